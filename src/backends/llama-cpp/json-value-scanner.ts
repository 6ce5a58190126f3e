/**
 * Tells when a streamed JSON object, array or string is complete. Grammar-constrained generation can
 * only produce valid JSON, but the model need not end its turn right after it: generation stops
 * as soon as the value closes instead of waiting for an end token.
 */
export class JsonValueScanner {
  private depth = 0;
  private started = false;
  private inString = false;
  private escaped = false;
  private done = false;

  /** Feeds text; returns how many of its characters belong to the value (all, until it ends). */
  push(text: string): number {
    for (let index = 0; index < text.length; index++) {
      if (this.done) return index;
      this.step(text[index]!);
    }
    return text.length;
  }

  get complete(): boolean {
    return this.done;
  }

  private step(char: string): void {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (char === '\\') this.escaped = true;
      else if (char === '"') {
        this.inString = false;
        if (this.depth === 0) this.done = true; // a top-level string value
      }
      return;
    }
    if (char === '"') this.inString = true;
    else if (char === '{' || char === '[') {
      this.depth++;
      this.started = true;
    } else if (char === '}' || char === ']') {
      this.depth--;
      if (this.started && this.depth === 0) this.done = true;
    }
  }
}
