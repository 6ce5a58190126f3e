/**
 * Tells when a streamed JSON value is complete. Grammar-constrained generation can only produce
 * valid JSON, but the model need not end its turn right after it (node-llama-cpp's grammars
 * even require newlines after the value): generation stops as soon as the value closes instead
 * of waiting for an end token. A top-level number ends at the first character that cannot
 * continue it, which is not part of the value; `true`, `false` and `null` end with their last
 * letter.
 */
export class JsonValueScanner {
  private depth = 0;
  private started = false;
  private inString = false;
  private escaped = false;
  private done = false;
  /** A top-level number or literal so far. */
  private scalar = '';

  /** Feeds text; returns how many of its characters belong to the value (all, until it ends). */
  push(text: string): number {
    for (let index = 0; index < text.length; index++) {
      if (this.done || !this.step(text[index]!)) return index;
    }
    return text.length;
  }

  get complete(): boolean {
    return this.done;
  }

  /** Reads one character; false when the value ended before it. */
  private step(char: string): boolean {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (char === '\\') this.escaped = true;
      else if (char === '"') {
        this.inString = false;
        if (this.depth === 0) this.done = true; // a top-level string value
      }
      return true;
    }
    if (!this.started && this.depth === 0 && this.scalar !== '') return this.stepScalar(char);
    if (char === '"') this.inString = true;
    else if (char === '{' || char === '[') {
      this.depth++;
      this.started = true;
    } else if (char === '}' || char === ']') {
      this.depth--;
      if (this.started && this.depth === 0) this.done = true;
    } else if (!this.started && scalarCharacter.test(char)) return this.stepScalar(char);
    return true;
  }

  private stepScalar(char: string): boolean {
    if (!scalarCharacter.test(char)) {
      this.done = true;
      return false;
    }
    this.scalar += char;
    if (literals.has(this.scalar)) this.done = true;
    return true;
  }
}

const scalarCharacter = /[-+.0-9eEa-z]/;
const literals = new Set(['true', 'false', 'null']);
