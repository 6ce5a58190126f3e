import type { ParsedToolCall } from './tool-call-output.js';

/**
 * A Python list of keyword-argument calls with literal values, `[f(a=1, b="x"), g()]`, read the
 * way vLLM's pythonic parser reads it with `ast` (constants, lists, tuples, dicts); anything else
 * makes it no call list (undefined).
 */
export function parsePythonCalls(text: string): ParsedToolCall[] | undefined {
  try {
    const calls = new PythonReader(text).callList();
    return calls.length === 0 ? undefined : calls;
  } catch (error) {
    if (error instanceof PythonSyntaxError) return undefined;
    throw error;
  }
}

class PythonSyntaxError extends Error {}

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

class PythonReader {
  private index = 0;

  constructor(private readonly text: string) {}

  callList(): ParsedToolCall[] {
    const calls = this.sequence('[', ']', () => this.call());
    this.skipSpace();
    if (this.index !== this.text.length) this.fail('text after the list');
    return calls;
  }

  private call(): ParsedToolCall {
    const name = this.identifier();
    const input: Record<string, unknown> = {};
    this.sequence('(', ')', () => {
      const key = this.identifier();
      this.expect('=');
      input[key] = this.value();
    });
    return { name, input };
  }

  /** `open item, item, … close`, a trailing comma allowed. */
  private sequence<T>(open: string, close: string, item: () => T): T[] {
    this.expect(open);
    const items: T[] = [];
    while (!this.acceptChar(close)) {
      items.push(item());
      if (!this.acceptChar(',')) {
        this.expect(close);
        break;
      }
    }
    return items;
  }

  private value(): unknown {
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

  private identifier(): string {
    this.skipSpace();
    const match = /^[A-Za-z_][\w.]*/.exec(this.text.slice(this.index, this.index + 256));
    if (match === null) this.fail('identifier');
    this.index += match[0].length;
    return match[0];
  }

  private expect(char: string): void {
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
