import type { TokenCount } from '../backend.js';
import type { ChatRequest } from '../../model/model-request.js';
import { ApiError } from '../../protocol/api-error.js';
import type { UpstreamHttp } from './upstream-http.js';

export type TokenizeStrategy = 'vllm' | 'llama-server' | 'estimate';

/**
 * Counts the prompt Ferry would send with the upstream's own tokenizer:
 * - vLLM (and SGLang): `POST /tokenize` with the chat messages and tools → `{count}`;
 * - llama-server: `POST /apply-template` → `{prompt}`, then `POST /tokenize` → `{tokens}`;
 * - otherwise (Ollama, LM Studio have no tokenize endpoint) an estimate of one token per four
 *   characters of the JSON-encoded messages and tools, flagged `exact: false`.
 * The first strategy that works is remembered per upstream.
 */
export class UpstreamTokenCounter {
  private strategy: TokenizeStrategy | undefined;

  /**
   * `timeoutMs`: how long one tokenizer call may take. Tokenizing is quick; an upstream that
   * does not answer must not hold a client's count_tokens for the generation timeouts' minutes.
   */
  constructor(
    private readonly http: UpstreamHttp,
    private readonly root: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async count(chat: ChatRequest, signal: AbortSignal): Promise<TokenCount> {
    const order: TokenizeStrategy[] = this.strategy ? [this.strategy] : ['vllm', 'llama-server'];
    for (const strategy of order) {
      const count = await this.tryStrategy(strategy, chat, signal);
      if (count !== undefined) {
        this.strategy = strategy;
        return { inputTokens: count, exact: strategy !== 'estimate' };
      }
    }
    this.strategy = 'estimate';
    return { inputTokens: estimateTokens(chat), exact: false };
  }

  private async tryStrategy(
    strategy: TokenizeStrategy,
    chat: ChatRequest,
    signal: AbortSignal,
  ): Promise<number | undefined> {
    switch (strategy) {
      case 'vllm':
        return this.countWithVllm(chat, signal);
      case 'llama-server':
        return this.countWithLlamaServer(chat, signal);
      case 'estimate':
        return estimateTokens(chat);
    }
  }

  private async countWithVllm(chat: ChatRequest, signal: AbortSignal): Promise<number | undefined> {
    const body = { model: chat.model, messages: chat.messages, ...templateFields(chat) };
    const json = await this.post('/tokenize', body, signal);
    const count = (json as { count?: unknown } | undefined)?.count;
    return typeof count === 'number' ? count : undefined;
  }

  private async countWithLlamaServer(
    chat: ChatRequest,
    signal: AbortSignal,
  ): Promise<number | undefined> {
    const body = { messages: chat.messages, ...templateFields(chat) };
    const rendered = (await this.post('/apply-template', body, signal)) as
      { prompt?: unknown } | undefined;
    if (typeof rendered?.prompt !== 'string') return undefined;
    const tokenizeBody = { content: rendered.prompt, add_special: true, parse_special: true };
    const tokens = (await this.post('/tokenize', tokenizeBody, signal)) as
      { tokens?: unknown } | undefined;
    return Array.isArray(tokens?.tokens) ? tokens.tokens.length : undefined;
  }

  /** The JSON answer of a 2xx reply; undefined when the endpoint does not exist or refuses. */
  private async post(path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let text: string;
    let response: Awaited<ReturnType<UpstreamHttp['send']>>;
    try {
      const both = AbortSignal.any([signal, timeout]);
      response = await this.http.send('POST', this.root + path, JSON.stringify(body), both);
      text = await response.body.text();
    } catch (error) {
      if (!timeout.aborted || signal.aborted) throw error;
      throw new ApiError(
        'timeout_error',
        `The upstream tokenizer (${this.root}${path}) did not answer within ${this.timeoutMs / 1000} s`,
      );
    }
    if (response.statusCode >= 500) {
      throw new ApiError(
        'api_error',
        `The upstream tokenizer failed (HTTP ${response.statusCode})`,
      );
    }
    if (response.statusCode >= 300) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }
}

function templateFields(chat: ChatRequest): Record<string, unknown> {
  return {
    ...(chat.tools === undefined ? {} : { tools: chat.tools }),
    ...(chat.chat_template_kwargs === undefined
      ? {}
      : { chat_template_kwargs: chat.chat_template_kwargs }),
    add_generation_prompt: chat.add_generation_prompt ?? true,
  };
}

/** Ferry's documented estimate: about four characters per token, rounded up. */
export function estimateTokens(chat: ChatRequest): number {
  const characters = JSON.stringify(chat.messages).length + JSON.stringify(chat.tools ?? []).length;
  return Math.ceil(characters / 4);
}
