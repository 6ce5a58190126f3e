/** A read position in a complete section body, for the formats read structurally. */
export class TextCursor {
  private index = 0;

  constructor(private readonly text: string) {}

  get atEnd(): boolean {
    return this.index >= this.text.length;
  }

  /** The text from the read position on. */
  get rest(): string {
    return this.text.slice(this.index);
  }

  /** Moves the read position on by `length` characters. */
  skip(length: number): void {
    this.index += length;
  }

  skipWhitespace(): void {
    while (this.index < this.text.length && /\s/.test(this.text.charAt(this.index))) this.index++;
  }

  /** Consumes `token` if the text continues with it. */
  accept(token: string): boolean {
    if (!this.text.startsWith(token, this.index)) return false;
    this.index += token.length;
    return true;
  }

  /** The text up to `token` (consumed too), or undefined when `token` never comes. */
  readUntil(token: string): string | undefined {
    const end = this.text.indexOf(token, this.index);
    if (end === -1) return undefined;
    const read = this.text.slice(this.index, end);
    this.index = end + token.length;
    return read;
  }

  /** Whether, after whitespace, nothing but `token` is left… or nothing at all. */
  restIsOnly(token = ''): boolean {
    return this.text.slice(this.index).trim() === token;
  }
}

/** `value` without one leading and one trailing newline (the template's own line breaks). */
export function stripFramingNewlines(value: string): string {
  const start = value.startsWith('\r\n') ? 2 : value.startsWith('\n') ? 1 : 0;
  const end = value.endsWith('\r\n') ? 2 : value.endsWith('\n') ? 1 : 0;
  return start + end > value.length ? '' : value.slice(start, value.length - end);
}
