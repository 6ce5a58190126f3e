/**
 * Finds where a bracketed value (a JSON object or array, a Python list) ends in text that arrives
 * piece by piece. It keeps its state between pieces, so each character is looked at once.
 * Brackets inside strings are skipped; bracket kinds are not matched against each other
 * (the value is parsed properly once complete).
 */
export class BracketExtentScanner {
  private depth = 0;
  private quote = '';
  private escaped = false;

  /** `quotes`: the characters that open strings (`"` for JSON, `"'` for Python). */
  constructor(private readonly quotes: string) {}

  /** Whether the text scanned so far stops inside a string. */
  get inString(): boolean {
    return this.quote !== '';
  }

  /** The index just past the value's end within `text`, or -1 if it has not ended yet. */
  scan(text: string): number {
    for (let i = 0; i < text.length; i++) {
      const char = text.charAt(i);
      if (this.quote !== '') this.scanString(char);
      else if (this.quotes.includes(char)) this.quote = char;
      else if (char === '{' || char === '[' || char === '(') this.depth++;
      else if (char === '}' || char === ']' || char === ')') {
        this.depth--;
        if (this.depth <= 0) return i + 1;
      }
    }
    return -1;
  }

  private scanString(char: string): void {
    if (this.escaped) this.escaped = false;
    else if (char === '\\') this.escaped = true;
    else if (char === this.quote) this.quote = '';
  }
}
