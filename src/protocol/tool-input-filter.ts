import { isPlainObject } from '../util/is-plain-object.js';
import { parseJson } from '../util/parse-json.js';

/**
 * A tool call's streamed arguments, passed on so that what a client receives always joins into
 * one JSON object: the official SDK parses the `input_json_delta` pieces it has so far after
 * every delta and throws on anything that is not a prefix of valid JSON, and Anthropic's API
 * never sends one (by default it validates each parameter before streaming it).
 *
 * Open models do write broken arguments: a stray `}` after the object, two objects back to
 * back, raw newlines inside strings, a trailing comma, Python's `True`, a JSON object encoded as
 * a string. So the text goes out one top-level member at a time, once the member is known to be
 * valid JSON, with these repairs:
 * - control characters inside strings are escaped, an unknown escape keeps its backslash
 *   (`"\d"` → `"\\d"`), `\'` becomes `'`;
 * - trailing commas are dropped; `True`, `False` and `None` become `true`, `false`, `null`;
 * - text after the object is dropped; arguments that are a string holding an object become
 *   that object.
 * Where the text breaks (or ends) inside a member, that member is dropped and the object is
 * closed, as the SDK reads arguments that `max_tokens` cut off. Arguments that hold no object
 * give no text at all: the input stays `{}`. `problem` says what was repaired or dropped.
 *
 * Work is linear in the text: each character is looked at once (string bodies by one regex
 * scan), and nothing already passed on is looked at again.
 */
export class ToolInputFilter {
  private state = State.Start;
  /** Open containers below the top-level object: true for an object, false for an array. */
  private readonly stack: boolean[] = [];
  /** Accepted text of the member in progress (the top level's own separators included). */
  private held = '';
  /** Text of arguments that do not start with `{`, kept whole for `end()`. */
  private foreign = '';
  private stringIsKey = false;
  private number = NumberState.Sign;
  private hexDigits = 0;
  private literal = { source: '', target: '', matched: 0 };
  /** What was repaired or dropped first, for a log line; undefined for clean arguments. */
  problem: string | undefined;

  // Per `push`: the text and where its not yet accepted part begins.
  private text = '';
  private runStart = 0;
  private out = '';

  /** Feeds a piece of the arguments; returns what can go to the client now (maybe ''). */
  push(text: string): string {
    this.text = text;
    this.runStart = 0;
    this.out = '';
    let index = 0;
    while (index < text.length) index = this.step(index);
    if (this.state === State.Foreign) this.foreign += text;
    else if (this.accepting()) this.take(text.length);
    this.text = '';
    return this.out;
  }

  /** The arguments ended: what still has to go out so the object is whole (maybe ''). */
  end(): string {
    const state = this.state;
    if (state === State.Start || state === State.Done || state === State.Ignore) return '';
    if (state === State.Foreign) return this.decodeForeign();
    if (state === State.Broken) return '}';
    this.note('the arguments ended before their object closed');
    // A top-level member whose value closed goes too (not a bare number: more digits may have
    // been cut off, so a number is never in that state before its next character).
    return state === State.AfterValue && this.stack.length === 0 ? `${this.held}}` : '}';
  }

  /** Handles the character at `index`; returns the index of the next one to look at. */
  private step(index: number): number {
    const text = this.text;
    const char = text[index]!;
    switch (this.state) {
      case State.Start:
        if (isWhitespace(char)) return this.skip(index);
        if (char === '{') {
          this.state = State.ObjectOpen;
          this.take(index + 1);
          this.commit();
          return index + 1;
        }
        this.state = State.Foreign;
        return text.length;
      case State.Foreign:
      case State.Ignore:
      case State.Broken:
        return text.length;
      case State.Done:
        if (isWhitespace(char)) return this.skip(index);
        this.note('text after the arguments object was dropped');
        this.state = State.Ignore;
        this.runStart = text.length;
        return text.length;
      case State.String:
        return this.stepString(index);
      case State.Escape:
        return this.stepEscape(index, char);
      case State.Unicode:
        if (!isHexDigit(char)) return this.broken(index, 'a broken \\u escape');
        if (++this.hexDigits === 4) this.state = State.String;
        return index + 1;
      case State.Number:
        return this.stepNumber(index, char);
      case State.Literal:
        return this.stepLiteral(index, char);
      case State.ObjectOpen:
      case State.ObjectKey:
      case State.Colon:
      case State.Value:
      case State.ArrayOpen:
      case State.ArrayValue:
      case State.AfterValue:
        return this.stepStructure(index, char, this.state);
    }
  }

  /** Between tokens: keys, colons, commas, values' first characters, closers. */
  private stepStructure(index: number, char: string, state: StructureState): number {
    if (isWhitespace(char)) return index + 1;
    const inObject = this.stack.length === 0 || this.stack[this.stack.length - 1] === true;
    if (char === '}' || char === ']') {
      const closes = (char === '}') === inObject;
      const closable =
        state === State.AfterValue ||
        (inObject ? state === State.ObjectOpen : state === State.ArrayOpen);
      const trailingComma = state === (inObject ? State.ObjectKey : State.ArrayValue);
      if (!closes || !(closable || trailingComma))
        return this.broken(index, `an unexpected ${char}`);
      if (trailingComma) this.dropTrailingComma(index);
      return this.close(index);
    }
    switch (state) {
      case State.ObjectOpen:
      case State.ObjectKey:
        if (char !== '"') return this.broken(index, 'a key that is not a string');
        this.stringIsKey = true;
        this.state = State.String;
        return index + 1;
      case State.Colon:
        if (char !== ':') return this.broken(index, 'a key without a colon');
        this.state = State.Value;
        return index + 1;
      case State.AfterValue:
        if (char !== ',') return this.broken(index, `an unexpected ${char}`);
        if (this.stack.length === 0) {
          this.take(index);
          this.commit(); // the member before this comma is whole
        }
        this.state = inObject ? State.ObjectKey : State.ArrayValue;
        return index + 1;
      case State.Value:
      case State.ArrayOpen:
      case State.ArrayValue:
        return this.startValue(index, char);
    }
  }

  private startValue(index: number, char: string): number {
    if (char === '"') {
      this.stringIsKey = false;
      this.state = State.String;
    } else if (char === '{' || char === '[') {
      this.stack.push(char === '{');
      this.state = char === '{' ? State.ObjectOpen : State.ArrayOpen;
    } else if (char === '-' || isDigit(char)) {
      this.state = State.Number;
      this.number =
        char === '-' ? NumberState.Sign : char === '0' ? NumberState.Zero : NumberState.Int;
    } else {
      const target = literals[char];
      if (target === undefined) return this.broken(index, `a value starting with ${char}`);
      this.take(index);
      this.literal = { source: target.source, target: target.target, matched: 1 };
      this.state = State.Literal;
      this.runStart = index + 1;
    }
    return index + 1;
  }

  private stepString(index: number): number {
    const text = this.text;
    stringSpecial.lastIndex = index;
    const found = stringSpecial.exec(text);
    if (found === null) return text.length;
    const at = found.index;
    const char = text[at]!;
    if (char === '"') {
      this.state = this.stringIsKey ? State.Colon : State.AfterValue;
    } else if (char === '\\') {
      this.state = State.Escape;
    } else {
      this.note('control characters inside a string were escaped');
      this.replace(at, escapeControl(char));
    }
    return at + 1;
  }

  private stepEscape(index: number, char: string): number {
    if (char === 'u') {
      this.state = State.Unicode;
      this.hexDigits = 0;
      return index + 1;
    }
    this.state = State.String;
    if (validEscapes.includes(char)) return index + 1;
    // The backslash before this character is the last accepted one (in `held` or this run).
    this.take(index);
    this.held = this.held.slice(0, -1);
    this.note(`an invalid escape \\${char} was repaired`);
    if (char === "'") return index; // `\'` is a plain quote
    this.held += '\\\\'; // a backslash the model meant literally
    return index;
  }

  private stepNumber(index: number, char: string): number {
    const next = numberTransition(this.number, char);
    if (next !== undefined) {
      this.number = next;
      return index + 1;
    }
    if (!numberCanEnd(this.number)) return this.broken(index, 'a broken number');
    this.state = State.AfterValue;
    return index; // the character after the number, looked at again
  }

  private stepLiteral(index: number, char: string): number {
    const literal = this.literal;
    if (char !== literal.source[literal.matched]) return this.broken(index, 'an unknown word');
    this.runStart = index + 1;
    if (++literal.matched === literal.source.length) {
      this.held += literal.target;
      if (literal.source !== literal.target)
        this.note(`${literal.source} became ${literal.target}`);
      this.state = State.AfterValue;
    }
    return index + 1;
  }

  private close(index: number): number {
    if (this.stack.length === 0) {
      this.take(index + 1);
      this.commit();
      this.state = State.Done;
      return index + 1;
    }
    this.stack.pop();
    this.state = State.AfterValue;
    return index + 1;
  }

  /** `,` then only whitespace before this closer: the comma goes. */
  private dropTrailingComma(index: number): void {
    this.take(index);
    const comma = this.held.lastIndexOf(',');
    this.held = this.held.slice(0, comma) + this.held.slice(comma + 1);
    this.note('a trailing comma was dropped');
  }

  /** The text breaks here: the member in progress and everything after it are dropped. */
  private broken(index: number, what: string): number {
    this.note(`${what} broke the arguments: the member in progress and the rest were dropped`);
    this.held = '';
    this.runStart = this.text.length;
    this.state = State.Broken;
    this.stack.length = 0;
    return this.text.length;
  }

  private decodeForeign(): string {
    const decoded = parseJson(this.foreign);
    const object = typeof decoded === 'string' ? parseJson(decoded) : decoded;
    if (isPlainObject(object)) {
      this.note('the arguments were an object encoded as a JSON string');
      return JSON.stringify(object);
    }
    this.note('the arguments were not a JSON object and were dropped');
    return '';
  }

  private accepting(): boolean {
    return this.state !== State.Broken && this.state !== State.Ignore && this.state !== State.Done;
  }

  private take(index: number): void {
    if (index > this.runStart) this.held += this.text.slice(this.runStart, index);
    this.runStart = index;
  }

  private skip(index: number): number {
    this.take(index);
    this.runStart = index + 1;
    return index + 1;
  }

  private replace(index: number, replacement: string): void {
    this.take(index);
    this.held += replacement;
    this.runStart = index + 1;
  }

  private commit(): void {
    this.out += this.held;
    this.held = '';
  }

  private note(problem: string): void {
    this.problem ??= problem;
  }
}

const enum State {
  Start,
  /** The arguments do not start with `{`. */
  Foreign,
  ObjectOpen,
  /** After a comma in an object. */
  ObjectKey,
  Colon,
  /** After a colon. */
  Value,
  ArrayOpen,
  /** After a comma in an array. */
  ArrayValue,
  AfterValue,
  String,
  Escape,
  Unicode,
  Number,
  Literal,
  /** The top-level object closed. */
  Done,
  /** Text after the object, or after a break: dropped. */
  Ignore,
  Broken,
}

/** Between tokens. */
type StructureState =
  | State.ObjectOpen
  | State.ObjectKey
  | State.Colon
  | State.Value
  | State.ArrayOpen
  | State.ArrayValue
  | State.AfterValue;

const enum NumberState {
  Sign,
  Zero,
  Int,
  Dot,
  Fraction,
  Exponent,
  ExponentSign,
  ExponentDigits,
}

function numberTransition(state: NumberState, char: string): NumberState | undefined {
  const digit = isDigit(char);
  switch (state) {
    case NumberState.Sign:
      return char === '0' ? NumberState.Zero : digit ? NumberState.Int : undefined;
    case NumberState.Zero:
    case NumberState.Int:
      if (digit && state === NumberState.Int) return NumberState.Int;
      if (char === '.') return NumberState.Dot;
      return char === 'e' || char === 'E' ? NumberState.Exponent : undefined;
    case NumberState.Dot:
      return digit ? NumberState.Fraction : undefined;
    case NumberState.Fraction:
      if (digit) return NumberState.Fraction;
      return char === 'e' || char === 'E' ? NumberState.Exponent : undefined;
    case NumberState.Exponent:
      if (char === '+' || char === '-') return NumberState.ExponentSign;
      return digit ? NumberState.ExponentDigits : undefined;
    case NumberState.ExponentSign:
    case NumberState.ExponentDigits:
      return digit ? NumberState.ExponentDigits : undefined;
  }
}

function numberCanEnd(state: NumberState): boolean {
  return (
    state === NumberState.Zero ||
    state === NumberState.Int ||
    state === NumberState.Fraction ||
    state === NumberState.ExponentDigits
  );
}

/** JSON's literals by first character, and Python's spellings of them. */
const literals: Record<string, { source: string; target: string } | undefined> = {
  t: { source: 'true', target: 'true' },
  f: { source: 'false', target: 'false' },
  n: { source: 'null', target: 'null' },
  T: { source: 'True', target: 'true' },
  F: { source: 'False', target: 'false' },
  N: { source: 'None', target: 'null' },
};

const validEscapes = '"\\/bfnrt';
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const stringSpecial = /["\\\u0000-\u001f]/g;

function escapeControl(char: string): string {
  switch (char) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
}

function isWhitespace(char: string): boolean {
  return char === ' ' || char === '\n' || char === '\r' || char === '\t';
}

function isDigit(char: string): boolean {
  return char >= '0' && char <= '9';
}

function isHexDigit(char: string): boolean {
  return isDigit(char) || (char >= 'a' && char <= 'f') || (char >= 'A' && char <= 'F');
}
