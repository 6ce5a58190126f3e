import { randomInt } from 'node:crypto';
import type { Template } from '@huggingface/jinja';
import type {
  Llama,
  LlamaContext,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaModel,
  Token,
} from 'node-llama-cpp';
import type { Backend, EngineLoad, TokenCount } from '../backend.js';
import type { ChatRequest, ModelRequest, ToolSchemas } from '../../model/model-request.js';
import type { ModelFinishReason, ModelStreamBatch } from '../../model/model-stream-part.js';
import { ApiError } from '../../protocol/api-error.js';
import { alignPromptToCache, type TokenText } from './align-prompt-to-cache.js';
import {
  describedToolCallFormat,
  describeToolsInPrompt,
  templateRendersTools,
} from './describe-tools-in-prompt.js';
import { forcedToolNames } from './forced-tool-names.js';
import { generateForcedToolCall } from './generate-forced-tool-call.js';
import { generateStructuredOutput } from './generate-structured-output.js';
import { generateText, type Sampling } from './generate-text.js';
import { jsonGrammar } from './json-grammar.js';
import { modelSamplingDefaults, type SamplingDefaults } from './model-sampling-defaults.js';
import { parseChatTemplate, renderChatPrompt } from './render-chat-prompt.js';
import { SequencePool } from './sequence-pool.js';
import { PromptTokenCache, tokenizePrompt } from './tokenize-prompt.js';

export interface LlamaCppBackendOptions {
  llama: Llama;
  model: LlamaModel;
  /** Created with one sequence per request served at once (`--parallel`). */
  context: LlamaContext;
  servedModelNames: readonly string[];
  /** Jinja source: `--chat-template`, else the GGUF's own. */
  chatTemplate: string;
  onWarning?: (message: string) => void;
}

/**
 * The embedded engine: llama.cpp in-process through node-llama-cpp. Prompts come from the model's
 * own chat template, raw text goes through Ferry's parsers like any upstream's, and each request
 * runs on a sequence of one shared context, picked so a conversation's next turn reuses the KV
 * cache of its previous one.
 */
export class LlamaCppBackend implements Backend {
  readonly kind = 'llama-cpp';
  private readonly template: Template;
  private readonly pool: SequencePool<LlamaContextSequence>;
  private readonly sequences: LlamaContextSequence[] = [];
  private readonly tokenCache = new PromptTokenCache();
  /** false: the template cannot render tools, so Ferry describes them in the prompt. */
  private readonly rendersTools: boolean;
  /** What the GGUF recommends (`general.sampling.*`), for what a request leaves unset. */
  readonly samplingDefaults: SamplingDefaults;

  constructor(private readonly options: LlamaCppBackendOptions) {
    this.template = parseChatTemplate(options.chatTemplate);
    this.rendersTools = templateRendersTools(options.chatTemplate);
    if (!this.rendersTools) {
      options.onWarning?.(
        'embedded engine: the chat template never mentions `tools`; Ferry describes a ' +
          "request's tools in the system prompt and reads calls in the hermes format " +
          "(--chat-template with a template that renders tools uses the model's own format)",
      );
    }
    this.samplingDefaults = modelSamplingDefaults(options.model.fileInfo.metadata);
    for (let index = 0; index < options.context.totalSequences; index++)
      this.sequences.push(options.context.getSequence());
    this.pool = new SequencePool(
      this.sequences,
      (sequence, prompt) => sequence.compareContextTokens(prompt as Token[]).firstDifferentIndex,
      (sequence) => sequence.nextTokenIndex,
    );
  }

  chatTemplateOf(): string {
    return this.options.chatTemplate;
  }

  /** The call format Ferry itself asked for, where the template has none of its own. */
  toolCallFormatOf(): string | undefined {
    return this.rendersTools ? undefined : describedToolCallFormat;
  }

  /** Tokens one sequence holds: prompt and reply together must fit. */
  get contextSize(): number {
    return this.options.context.contextSize;
  }

  /** Prompt tokens per llama.cpp batch (`--batch-size`). */
  get batchSize(): number {
    return this.options.context.batchSize;
  }

  /** Whether llama.cpp runs flash attention (`--flash-attn`; `auto` until llama.cpp decides). */
  get flashAttention(): boolean | 'auto' {
    return this.options.context.flashAttention;
  }

  engineLoad(): EngineLoad {
    return { sequences: this.sequences.length, busy: this.pool.busy, waiting: this.pool.waiting };
  }

  contextLength(): Promise<number> {
    return Promise.resolve(this.contextSize);
  }

  listModels(): Promise<string[]> {
    return Promise.resolve([...this.options.servedModelNames]);
  }

  /**
   * The prompt as a request would evaluate it now: spelled as the cache it would reuse (the
   * sequence sharing most of it) spells it, which after a tool call can differ from the
   * tokenizer's spelling by a token or two (see alignPromptToCache).
   */
  countTokens(request: ModelRequest): Promise<TokenCount> {
    const prompt = this.promptTokens(request.chat);
    let best: LlamaContextSequence | undefined;
    let shared = 0;
    for (const sequence of this.sequences) {
      const common = sequence.compareContextTokens(prompt).firstDifferentIndex;
      if (common > shared) [best, shared] = [sequence, common];
    }
    const counted =
      best === undefined
        ? prompt
        : alignToCache(this.options.model, best, prompt, this.contextSize);
    return Promise.resolve({ inputTokens: counted.length, exact: true });
  }

  async *streamChat(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelStreamBatch> {
    const { chat } = request;
    const unaligned = this.promptTokens(chat);
    const room = this.contextSize - unaligned.length;
    if (room < 1) {
      throw new ApiError(
        'invalid_request_error',
        `prompt is too long: ${unaligned.length} tokens > ${this.contextSize - 1} maximum`,
      );
    }
    const requested = chat.max_tokens ?? chat.max_completion_tokens ?? room;
    // Checked before anything is sent: a schema no value fits is a 400, not a broken stream.
    const toolNames = forcedToolNames(chat, request.toolSchemas, this.options.onWarning);
    const toolGrammar = (name: string) => this.toolGrammar(request.toolSchemas, name);
    // With one tool to name, its grammar is made now too, so a schema llama.cpp cannot hold is
    // a 400 as well (the call finds it in jsonGrammar's cache); with a choice, only the chosen
    // tool's is made, once its name is drawn.
    if (toolNames?.length === 1) await toolGrammar(toolNames[0]!);
    const structured = toolNames === undefined ? await this.outputGrammar(chat) : undefined;
    const lease = await this.pool.acquire(unaligned, signal);
    let releaseLater = false;
    let reply: { text: string; tokens: readonly Token[] } | undefined;
    try {
      const sequence = lease.item;
      const prompt = alignToCache(this.options.model, sequence, unaligned, this.contextSize);
      // The cache's spelling may take a few tokens more or fewer than the tokenizer's.
      const roomLeft = this.contextSize - prompt.length;
      const maxTokens = Math.min(requested, roomLeft);
      const cached = await reuseCachedPrefix(sequence, prompt);
      const input = prompt.slice(cached);
      const usage = { inputTokens: prompt.length, outputTokens: 0, cachedInputTokens: cached };
      yield [{ type: 'usage', usage: { ...usage } }]; // known now: it goes into message_start
      let finish: ModelFinishReason;
      const run = {
        llama: this.options.llama,
        model: this.options.model,
        sequence,
        input,
        maxTokens,
        sampling: samplingFor(chat, this.samplingDefaults, randomInt(2 ** 31)),
        signal,
        onToken: () => usage.outputTokens++,
        onReply: (text: string, tokens: readonly Token[]) => (reply = { text, tokens }),
        onBusyAfterAbort: (settled: Promise<unknown>) => {
          // The engine is still finishing a batch: the sequence is lent out again only then.
          releaseLater = true;
          void settled.finally(() => lease.release());
        },
      };
      if (toolNames !== undefined) {
        finish = yield* generateForcedToolCall({
          ...run,
          toolNames,
          toolGrammar,
          callOpener:
            this.options.chatTemplate.includes('<tool_call>') || !this.rendersTools
              ? '<tool_call>\n'
              : '',
          onWarning: this.options.onWarning,
        });
      } else if (structured !== undefined) {
        finish = yield* generateStructuredOutput({
          ...run,
          ...structured,
          onWarning: this.options.onWarning,
        });
      } else {
        finish = yield* generateText(run);
      }
      if (signal.aborted) return;
      if (finish === 'max-tokens' && requested > roomLeft) finish = 'context-window-exceeded';
      yield [
        { type: 'usage', usage },
        { type: 'finish', reason: finish },
      ];
    } finally {
      // After the last events went out: the check costs a pass over the reply.
      if (reply !== undefined && !signal.aborted) this.rememberReply(reply.text, reply.tokens);
      if (!releaseLater) lease.release();
    }
  }

  /**
   * Lets the next turn's prompt use the reply's own tokens for its text (see
   * `PromptTokenCache.remember`) when they read back as exactly that text with no special
   * token among them: client text never becomes a control token.
   */
  private rememberReply(text: string, tokens: readonly Token[]): void {
    const { model } = this.options;
    if (tokens.length === 0 || model.detokenize(tokens, false) !== text) return;
    for (const token of new Set(tokens)) if (model.isSpecialToken(token)) return;
    this.tokenCache.remember(text, tokens);
  }

  async close(): Promise<void> {
    await this.options.context.dispose();
    await this.options.model.dispose();
    await this.options.llama.dispose();
  }

  /** A forced tool's input schema with its grammar. */
  private async toolGrammar(
    schemas: ToolSchemas,
    name: string,
  ): Promise<{ schema: unknown; grammar: LlamaGrammar }> {
    const schema = schemas.get(name) ?? {};
    return { schema, grammar: await this.grammar(schema, `tools[${name}].input_schema`) };
  }

  /** Structured output's schema with its grammar, if the request asks for it. */
  private async outputGrammar(
    chat: ChatRequest,
  ): Promise<{ schema: unknown; grammar: LlamaGrammar } | undefined> {
    const format = chat.response_format;
    if (format?.type !== 'json_schema') return undefined;
    const schema = format.json_schema.schema ?? {};
    return { schema, grammar: await this.grammar(schema, 'output_config.format.schema') };
  }

  private grammar(schema: unknown, at: string): Promise<LlamaGrammar> {
    return jsonGrammar(this.options.llama, schema, at, this.options.onWarning);
  }

  private promptTokens(chat: ChatRequest): Token[] {
    const { model } = this.options;
    const request = this.rendersTools ? chat : describeToolsInPrompt(chat);
    const segments = renderChatPrompt(this.template, request, {
      bosToken: model.tokens.bosString ?? '',
      eosToken: model.tokens.eosString ?? '',
    });
    return tokenizePrompt(model, segments, this.tokenCache);
  }
}

/**
 * The prompt spelled as the sequence's cache spells the same text (see alignPromptToCache),
 * unless that spelling leaves no room to generate.
 */
function alignToCache(
  model: TokenText,
  sequence: LlamaContextSequence,
  prompt: Token[],
  contextSize: number,
): Token[] {
  const aligned = alignPromptToCache(model, sequence.contextTokens, prompt);
  return aligned !== prompt && aligned.length < contextSize ? [...aligned] : prompt;
}

/**
 * Keeps the sequence's cached tokens that begin the new prompt and drops the rest. At least one
 * prompt token is always evaluated again: the next token's logits come from it.
 */
async function reuseCachedPrefix(sequence: LlamaContextSequence, prompt: Token[]): Promise<number> {
  const common = sequence.compareContextTokens(prompt).firstDifferentIndex;
  const keep = Math.min(common, prompt.length - 1);
  if (keep < sequence.nextTokenIndex)
    await sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }]);
  return keep;
}

/**
 * The request's own settings first, then the model's recommended ones, then Anthropic's
 * default temperature of 1. Without either, top-p and top-k are node-llama-cpp's defaults (top-k
 * 40, top-p 0.95, as llama.cpp's own server), where Anthropic would sample the whole
 * distribution: an open-weight model's long tail at temperature 1 yields stray tokens far more
 * often. Anthropic has no min-p, so only the model sets it. A fresh seed each time.
 */
export function samplingFor(chat: ChatRequest, defaults: SamplingDefaults, seed: number): Sampling {
  const topP = chat.top_p ?? defaults.topP;
  const topK = chat.top_k ?? defaults.topK;
  return {
    temperature: chat.temperature ?? defaults.temperature ?? 1,
    seed,
    ...(topP == null ? {} : { topP }),
    ...(topK == null ? {} : { topK }),
    ...(defaults.minP === undefined ? {} : { minP: defaults.minP }),
  };
}
