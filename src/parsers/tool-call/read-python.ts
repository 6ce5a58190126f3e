// source: Python's literal syntax (docs.python.org/3/reference/lexical_analysis.html#literals),
// the subset `ast.literal_eval` accepts that vLLM's parsers feed it: strings, numbers, True/False/None,
// lists, tuples and dicts.

/**
 * `read(reader)` over the whole of `text`, or undefined when `text` is not that Python syntax
 * (or has more after it). Never evaluates anything: a safe `ast.literal_eval` for model output.
 */
export function readPython<T>(text: string, read: (reader: PythonReader) => T): T | undefined {
  try {
    const reader = new PythonReader(text);
    const result = read(reader);
    reader.expectEnd();
    return result;
  } catch (error) {
    if (error instanceof PythonSyntaxError) return undefined;
    throw error;
  }
}

class PythonSyntaxError extends Error {}

const maxDepth = 200;

const escapes: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '\n': '',
};

/** A reader of Python literal syntax, for the parsers that build on it (call lists). */
export class PythonReader {
  private index = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  /** Fails unless only whitespace is left. */
  expectEnd(): void {
    this.skipSpace();
    if (this.index !== this.text.length) this.fail('text after the value');
  }

  /** `open item, item, … close`, a trailing comma allowed. */
  sequence<T>(open: string, close: string, item: () => T): T[] {
    this.expect(open);
    // Nesting is bounded like CPython's parser (200 levels): the reader recurses per level.
    if (++this.depth > maxDepth) this.fail('nested too deeply');
    const items: T[] = [];
    while (!this.acceptChar(close)) {
      items.push(item());
      if (!this.acceptChar(',')) {
        this.expect(close);
        break;
      }
    }
    this.depth--;
    return items;
  }

  /** One literal: a string, number, constant, list, tuple (as a list) or dict. */
  value(): unknown {
    this.skipSpace();
    const char = this.text.charAt(this.index);
    if (char === '"' || char === "'") return this.string(char);
    if (char === '[') return this.sequence('[', ']', () => this.value());
    if (char === '(') return this.sequence('(', ')', () => this.value());
    if (char === '{') return this.dict();
    if (/[-+.\d]/.test(char)) return this.number();
    return this.constant(this.identifier());
  }

  private dict(): Record<string, unknown> {
    const entries: Record<string, unknown> = {};
    this.sequence('{', '}', () => {
      const key = this.value();
      if (typeof key !== 'string' && typeof key !== 'number') this.fail('dict key');
      this.expect(':');
      entries[String(key)] = this.value();
    });
    return entries;
  }

  private string(quote: string): string {
    const triple = this.text.startsWith(quote.repeat(3), this.index);
    const end = triple ? quote.repeat(3) : quote;
    this.index += end.length;
    let result = '';
    while (!this.text.startsWith(end, this.index)) {
      if (this.index >= this.text.length) this.fail('unterminated string');
      const char = this.text.charAt(this.index++);
      result += char === '\\' ? this.escape() : char;
    }
    this.index += end.length;
    return result;
  }

  private escape(): string {
    const char = this.text.charAt(this.index++);
    const hexLength = char === 'x' ? 2 : char === 'u' ? 4 : char === 'U' ? 8 : 0;
    if (hexLength === 0) return escapes[char] ?? `\\${char}`;
    const hex = this.text.slice(this.index, this.index + hexLength);
    if (!/^[\da-f]+$/i.test(hex) || hex.length !== hexLength) this.fail('bad escape');
    this.index += hexLength;
    return String.fromCodePoint(parseInt(hex, 16));
  }

  private number(): number {
    const match = /^[-+]?(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:e[-+]?\d+)?/i.exec(
      this.text.slice(this.index),
    );
    if (match === null) this.fail('number');
    this.index += match[0].length;
    return Number(match[0].replaceAll('_', ''));
  }

  private constant(word: string): unknown {
    const constants: Readonly<Record<string, unknown>> = {
      True: true,
      False: false,
      None: null,
      true: true,
      false: false,
      null: null,
    };
    if (!(word in constants)) this.fail(`not a literal: ${word}`);
    return constants[word];
  }

  identifier(): string {
    this.skipSpace();
    const match = /^[A-Za-z_][\w.]*/.exec(this.text.slice(this.index, this.index + 256));
    if (match === null) this.fail('identifier');
    this.index += match[0].length;
    return match[0];
  }

  expect(char: string): void {
    if (!this.acceptChar(char)) this.fail(`expected ${char}`);
  }

  private acceptChar(char: string): boolean {
    this.skipSpace();
    if (this.text.charAt(this.index) !== char) return false;
    this.index++;
    return true;
  }

  private skipSpace(): void {
    while (/\s/.test(this.text.charAt(this.index))) this.index++;
  }

  private fail(what: string): never {
    throw new PythonSyntaxError(`${what} at ${this.index}`);
  }
}
