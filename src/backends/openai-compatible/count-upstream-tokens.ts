import type { TokenCount } from '../backend.js';
import type { ChatRequest } from '../../model/model-request.js';
import { ApiError } from '../../protocol/api-error.js';
import { parseJsonObject } from '../../util/parse-json.js';
import type { UpstreamHttp } from './upstream-http.js';

type TokenizeStrategy = 'vllm' | 'llama-server';

/** A strategy's answer: the count, no such endpoint here, or a refusal of this request only. */
type Attempt = number | 'missing' | 'refused';

const strategies: readonly TokenizeStrategy[] = ['vllm', 'llama-server'];

/**
 * Counts the prompt Ferry would send with the upstream's own tokenizer:
 * - vLLM (and SGLang): `POST /tokenize` with the chat messages and tools → `{count}`;
 * - llama-server: `POST /apply-template` → `{prompt}`, then `POST /tokenize` → `{tokens}`;
 * - otherwise (Ollama, LM Studio have no tokenize endpoint) an estimate of one token per four
 *   characters of the JSON-encoded messages and tools, flagged `exact: false`.
 * The strategy that works is remembered per upstream and tried first. Only endpoints that do
 * not exist (a 404 or 405 for the route, or an answer of another shape) make Ferry estimate
 * for a while; a refusal of one request (a template error, a 404 for a model an engine
 * restarted without) is estimated for that request alone.
 */
export class UpstreamTokenCounter {
  private strategy: TokenizeStrategy | undefined;
  /** When the upstream was found to have no tokenizer endpoint. */
  private missingSince: number | undefined;

  /**
   * `timeoutMs`: how long one tokenizer call may take. Tokenizing is quick; an upstream that
   * does not answer must not hold a client's count_tokens for the generation timeouts' minutes.
   * `recheckMs`: how long an upstream found without a tokenizer is estimated for before its
   * endpoints are tried again (it may have been restarted as, or behind, another server).
   */
  constructor(
    private readonly http: UpstreamHttp,
    private readonly root: string,
    private readonly timeoutMs = 30_000,
    private readonly recheckMs = 300_000,
  ) {}

  async count(chat: ChatRequest, signal: AbortSignal): Promise<TokenCount> {
    const order = this.strategiesToTry();
    for (const strategy of order) {
      const attempt = await this.tryStrategy(strategy, chat, signal);
      if (attempt === 'refused') return estimate(chat);
      if (attempt !== 'missing') {
        this.strategy = strategy;
        this.missingSince = undefined;
        return { inputTokens: attempt, exact: true };
      }
      if (strategy === this.strategy) this.strategy = undefined; // gone since it last worked
    }
    if (order.length > 0) this.missingSince = Date.now();
    return estimate(chat);
  }

  /** The remembered strategy first; none while a recent probe found no endpoint. */
  private strategiesToTry(): readonly TokenizeStrategy[] {
    if (this.missingSince !== undefined && Date.now() - this.missingSince < this.recheckMs)
      return [];
    const known = this.strategy;
    return known === undefined ? strategies : [known, ...strategies.filter((s) => s !== known)];
  }

  private async tryStrategy(
    strategy: TokenizeStrategy,
    chat: ChatRequest,
    signal: AbortSignal,
  ): Promise<Attempt> {
    switch (strategy) {
      case 'vllm':
        return this.countWithVllm(chat, signal);
      case 'llama-server':
        return this.countWithLlamaServer(chat, signal);
    }
  }

  private async countWithVllm(chat: ChatRequest, signal: AbortSignal): Promise<Attempt> {
    const body = { model: chat.model, messages: chat.messages, ...templateFields(chat) };
    const answer = await this.post('/tokenize', body, signal);
    if (typeof answer === 'string') return answer;
    const count = (answer as { count?: unknown }).count;
    return typeof count === 'number' ? count : 'missing'; // llama-server's /tokenize, say
  }

  private async countWithLlamaServer(chat: ChatRequest, signal: AbortSignal): Promise<Attempt> {
    const body = { messages: chat.messages, ...templateFields(chat) };
    const rendered = await this.post('/apply-template', body, signal);
    if (typeof rendered === 'string') return rendered;
    const prompt = (rendered as { prompt?: unknown }).prompt;
    if (typeof prompt !== 'string') return 'missing';
    const tokenizeBody = { content: prompt, add_special: true, parse_special: true };
    const tokens = await this.post('/tokenize', tokenizeBody, signal);
    if (typeof tokens === 'string') return tokens;
    const list = (tokens as { tokens?: unknown }).tokens;
    return Array.isArray(list) ? list.length : 'missing';
  }

  /**
   * The JSON object of a 2xx answer, or why there is none: `missing` where the endpoint is not
   * there (or answers something other than JSON), `refused` where it refused this request. A
   * failing (5xx) or silent tokenizer is an error.
   */
  private async post(
    path: string,
    body: unknown,
    signal: AbortSignal,
  ): Promise<object | 'missing' | 'refused'> {
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
    const status = response.statusCode;
    if (status >= 500) {
      throw new ApiError('api_error', `The upstream tokenizer failed (HTTP ${status})`);
    }
    if (status >= 300) return isMissingEndpoint(status, text) ? 'missing' : 'refused';
    return parseJsonObject(text) ?? 'missing';
  }
}

/**
 * A 404 or 405 for the route itself: FastAPI's `{"detail":"Not Found"}`, llama-server's "File
 * Not Found", Ollama's "404 page not found". vLLM's 404 for a model it does not serve names the
 * model; that refuses one request, the endpoint is there.
 */
function isMissingEndpoint(status: number, text: string): boolean {
  return (status === 404 || status === 405) && !/model/i.test(text);
}

function templateFields(chat: ChatRequest): Record<string, unknown> {
  return {
    ...(chat.tools === undefined ? {} : { tools: chat.tools }),
    ...(chat.chat_template_kwargs === undefined
      ? {}
      : { chat_template_kwargs: chat.chat_template_kwargs }),
    add_generation_prompt: chat.add_generation_prompt ?? true,
    // A prefill is rendered open, as the generation request renders it.
    ...(chat.continue_final_message === true ? { continue_final_message: true } : {}),
  };
}

function estimate(chat: ChatRequest): TokenCount {
  return { inputTokens: estimateTokens(chat), exact: false };
}

/** Ferry's documented estimate: about four characters per token, rounded up. */
export function estimateTokens(chat: ChatRequest): number {
  const characters = JSON.stringify(chat.messages).length + JSON.stringify(chat.tools ?? []).length;
  return Math.ceil(characters / 4);
}
