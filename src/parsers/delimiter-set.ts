/** A delimiter found in text: where it starts and which one it is. */
export interface DelimiterMatch {
  index: number;
  delimiter: string;
}

/**
 * The delimiters a parser watches for in one state. Precomputes what the hot path needs so a
 * push only inspects the few characters at the end of the pending text.
 */
export class DelimiterSet {
  private readonly firstChars: string;
  private readonly longest: number;

  constructor(readonly delimiters: readonly string[]) {
    this.firstChars = [...new Set(delimiters.map((d) => d.charAt(0)))].join('');
    this.longest = Math.max(0, ...delimiters.map((d) => d.length));
  }

  /** The earliest complete delimiter in `text`; at one index the longest wins. */
  find(text: string): DelimiterMatch | undefined {
    let best: DelimiterMatch | undefined;
    for (const delimiter of this.delimiters) {
      const index = text.indexOf(delimiter);
      if (index === -1) continue;
      if (best === undefined || index < best.index) best = { index, delimiter };
      else if (index === best.index && delimiter.length > best.delimiter.length) {
        best = { index, delimiter };
      }
    }
    return best;
  }

  /**
   * Where the tail of `text` that could still grow into a delimiter begins, or `text.length`
   * when no tail could. Only the last `longest - 1` characters can matter.
   */
  holdFrom(text: string): number {
    for (let i = Math.max(0, text.length - this.longest + 1); i < text.length; i++) {
      if (!this.firstChars.includes(text.charAt(i))) continue;
      const tail = text.slice(i);
      if (this.delimiters.some((d) => d.length > tail.length && d.startsWith(tail))) return i;
    }
    return text.length;
  }
}
