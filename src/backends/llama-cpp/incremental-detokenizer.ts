import type { LlamaModel, Token } from 'node-llama-cpp';

const replacement = '\uFFFD';
/** A UTF-8 character spans at most 4 byte-fallback tokens. */
const maxHeldTokens = 4;
const contextTokens = 8;

/**
 * Turns generated tokens into text deltas. A token may hold part of a multibyte character (byte
 * fallback): such tokens are held until the character is whole, so no delta ever carries a
 * broken character. The last few tokens go along as context so tokenizers that drop a leading
 * space on the first token of a string get it right mid-stream.
 */
export class IncrementalDetokenizer {
  private held: Token[] = [];
  private recent: Token[];

  /** `before`: tokens that precede the first one pushed (the context of its first character). */
  constructor(
    private readonly model: Pick<LlamaModel, 'detokenize'>,
    before: readonly Token[] = [],
  ) {
    this.recent = before.slice(-contextTokens);
  }

  push(token: Token): string {
    this.held.push(token);
    const text = this.model.detokenize(this.held, true, this.recent);
    if (text.endsWith(replacement) && this.held.length < maxHeldTokens) return '';
    return this.emit(text);
  }

  /** Whatever is still held (an unfinished character at the end of generation). */
  flush(): string {
    if (this.held.length === 0) return '';
    return this.emit(this.model.detokenize(this.held, true, this.recent));
  }

  private emit(text: string): string {
    this.recent = [...this.recent, ...this.held].slice(-contextTokens);
    this.held = [];
    return text;
  }
}
