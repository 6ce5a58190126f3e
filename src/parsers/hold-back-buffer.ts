import type { DelimiterSet } from './delimiter-set.js';

/** What the buffer can release now: text, and the delimiter right after it if one completed. */
export interface ReleasedText {
  text: string;
  delimiter?: string;
}

/**
 * Holds text that might be the start of a delimiter and releases it once it clearly is not.
 * Released text leaves the buffer, so the pending text stays as short as the longest
 * delimiter plus one pushed piece: no push rescans what came before.
 */
export class HoldBackBuffer {
  private pending = '';

  push(text: string): void {
    this.pending += text;
  }

  /** Puts text back in front of what is pending (a parser read further than it needed). */
  unshift(text: string): void {
    this.pending = text + this.pending;
  }

  /** Text up to the earliest complete delimiter of `set`, or all text that cannot start one. */
  next(set: DelimiterSet): ReleasedText {
    const match = set.find(this.pending);
    if (match !== undefined) {
      const text = this.pending.slice(0, match.index);
      this.pending = this.pending.slice(match.index + match.delimiter.length);
      return { text, delimiter: match.delimiter };
    }
    const holdFrom = set.holdFrom(this.pending);
    const text = this.pending.slice(0, holdFrom);
    this.pending = this.pending.slice(holdFrom);
    return { text };
  }

  /** Everything pending, held or not (at the end of the stream, or to read raw). */
  takeAll(): string {
    const text = this.pending;
    this.pending = '';
    return text;
  }
}
