import type { LlamaModel, Token } from 'node-llama-cpp';
import type { PromptSegment } from './render-chat-prompt.js';

/** What tokenizePrompt needs of a model (a LlamaModel). */
export type Tokenizer = Pick<LlamaModel, 'tokenize' | 'tokens'>;

/**
 * The prompt's tokens: template text with special tokens recognised, client content as plain
 * text (a `<|im_end|>` typed by a user or read from a file stays text). Each piece is tokenized
 * on its own, so a message's tokens do not depend on what follows it and the next turn's prompt
 * starts with exactly this turn's tokens (prefix reuse). Long pieces seen before come from
 * `cache`.
 */
export function tokenizePrompt(
  model: Tokenizer,
  segments: readonly PromptSegment[],
  cache?: PromptTokenCache,
): Token[] {
  const tokens: Token[] = [];
  for (const segment of segments) {
    const piece = cache?.tokenize(model, segment) ?? tokenizeSegment(model, segment);
    for (let index = 0; index < piece.length; index++) tokens.push(piece[index] as Token);
  }
  const bos = model.tokens.bos;
  if (bos !== null && model.tokens.shouldPrependBosToken && tokens[0] !== bos) tokens.unshift(bos);
  return tokens;
}

function tokenizeSegment(model: Tokenizer, segment: PromptSegment): Token[] {
  return model.tokenize(segment.text, segment.fromTemplate, 'trimLeadingSpace');
}

interface CacheEntry {
  /** The flat copy of the text the map holds (see `add`). */
  key: string;
  template: Uint32Array | undefined;
  content: Uint32Array | undefined;
}

/**
 * The tokens of long prompt pieces seen before, and of the model's recent replies (`remember`).
 * Claude Code resends the whole conversation every turn (system prompt, tools, every message),
 * so all but the newest pieces were tokenized already; tokenizing its 55 KB first request took
 * 14–19 ms of the main thread (node-llama-cpp 3.22, the tests' vocabulary), again on each turn
 * and each count_tokens call. A piece's tokens depend only on its text and on whether special
 * tokens are read in it, so reuse is exact. A remembered reply's tokens are another spelling of
 * its text, the one the KV cache holds; prompts and `count_tokens` both use it.
 * Bounded by the characters held, least recently used out first; tokens are kept as 32-bit
 * arrays outside the JavaScript heap.
 */
export class PromptTokenCache {
  /** By text. */
  private readonly entries = new Map<string, CacheEntry>();
  private chars = 0;

  constructor(
    private readonly maxChars = 1_000_000,
    /**
     * Shorter pieces (role headers, short messages) are not held: they cost less to tokenize
     * than to hold. Short content is still looked up, for the replies `remember` holds.
     */
    private readonly minChars = 256,
  ) {}

  tokenize(model: Tokenizer, segment: PromptSegment): ArrayLike<number> {
    const { text, fromTemplate } = segment;
    if (text.length > this.maxChars) return tokenizeSegment(model, segment);
    const kind = fromTemplate ? 'template' : 'content';
    const entry =
      text.length >= this.minChars || !fromTemplate ? this.entries.get(text) : undefined;
    const cached = entry?.[kind];
    if (entry !== undefined) this.touch(entry);
    if (cached !== undefined) return cached;
    if (text.length < this.minChars) return tokenizeSegment(model, segment);
    const tokens = Uint32Array.from(tokenizeSegment(model, segment));
    if (entry !== undefined) entry[kind] = tokens;
    else this.add(text, { content: undefined, template: undefined, [kind]: tokens });
    return tokens;
  }

  /**
   * Holds `tokens` as the content tokens of `text`: a reply the model generated. A sampling
   * model need not spell its text the way the tokenizer would (it may write a word in other
   * pieces), and the next turn resends the reply as text. With the generated tokens, that
   * prompt still begins with what the sequence's KV cache holds, so the reply is reused rather
   * than evaluated again. The caller checks that `tokens` read back as exactly `text`.
   */
  remember(text: string, tokens: ArrayLike<number>): void {
    if (text === '' || text.length > this.maxChars) return;
    const copy = Uint32Array.from(tokens);
    const entry = this.entries.get(text);
    if (entry === undefined) this.add(text, { content: copy, template: undefined });
    else {
      this.touch(entry);
      entry.content = copy;
    }
  }

  /** Most recently used last: Map keeps insertion order. */
  private touch(entry: CacheEntry): void {
    this.entries.delete(entry.key);
    this.entries.set(entry.key, entry);
  }

  private add(text: string, tokens: Omit<CacheEntry, 'key'>): void {
    // A flat copy as the key: the piece is a slice of the whole rendered prompt, which a slice
    // would keep alive. (Through JSON, as lone surrogates survive it unchanged.)
    const key = JSON.parse(JSON.stringify(text)) as string;
    this.entries.set(key, { key, ...tokens });
    this.chars += text.length;
    this.evict();
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.chars <= this.maxChars) return;
      this.entries.delete(key);
      this.chars -= key.length;
    }
  }
}
