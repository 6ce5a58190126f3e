// source: vllm-project/vllm vllm/tool_parsers/pythonic_tool_parser.py and
// llama4_pythonic_tool_parser.py; chat templates of meta-llama/Llama-3.2-3B-Instruct and
// Llama-4-Scout-17B-16E-Instruct (`[get_weather(city="Paris"), get_time()]`, Llama 4 wrapping it
// in `<|python_start|>…<|python_end|>`).
import { DelimiterSet } from '../delimiter-set.js';
import { SteppingParser } from './stepping-parser.js';
import type { TextParser, TextParserOptions } from '../text-parser.js';
import { BracketExtentScanner } from './bracket-extent-scanner.js';
import { parsePythonCalls } from './parse-python-calls.js';
import { describePassedOnText } from '../describe-passed-on-text.js';

const startTag = '<|python_start|>';
const endTag = '<|python_end|>';
const startTags = new DelimiterSet([startTag]);

type State =
  | { kind: 'expect-call' }
  | { kind: 'text' }
  | { kind: 'list'; raw: string; scanner: BracketExtentScanner | undefined };

/**
 * Pythonic: a call list where a call can begin (the start of the reply, after
 * `<|python_start|>`, after another list). A `[` that does not go on as `[name(` is text.
 */
export function createPythonicParser(options: TextParserOptions): TextParser {
  return new PythonicParser(options);
}

class PythonicParser extends SteppingParser {
  private state: State = { kind: 'expect-call' };

  constructor(private readonly options: TextParserOptions) {
    super();
  }

  protected flush(rest: string): void {
    if (this.state.kind !== 'list') this.output.text(rest);
    else if (this.state.scanner === undefined) this.output.text(this.state.raw + rest);
    else this.passOn(this.state.raw + rest, 'unterminated');
  }

  protected step(): boolean {
    switch (this.state.kind) {
      case 'expect-call':
        return this.expectCall();
      case 'text':
        return this.readText();
      case 'list':
        return this.readList(this.state);
    }
  }

  private expectCall(): boolean {
    const pending = this.buffer.takeAll();
    const start = pending.search(/\S/);
    this.output.text(start === -1 ? pending : pending.slice(0, start));
    if (start === -1) return false;
    const rest = pending.slice(start);
    const tag = [startTag, endTag].find((t) => rest.startsWith(t));
    if (tag !== undefined) this.buffer.unshift(rest.slice(tag.length));
    else if (startTag.startsWith(rest) || endTag.startsWith(rest)) {
      this.buffer.unshift(rest);
      return false;
    } else {
      this.state = rest.startsWith('[')
        ? { kind: 'list', raw: '', scanner: undefined }
        : { kind: 'text' };
      this.buffer.unshift(rest);
    }
    return true;
  }

  private readText(): boolean {
    const { text, delimiter } = this.buffer.next(startTags);
    this.output.text(text);
    if (delimiter === undefined) return false;
    this.state = { kind: 'expect-call' };
    return true;
  }

  private readList(state: Extract<State, { kind: 'list' }>): boolean {
    const text = this.buffer.takeAll();
    if (state.scanner === undefined) return this.probe(state, text);
    const end = state.scanner.scan(text);
    if (end === -1) {
      state.raw += text;
      return false;
    }
    this.buffer.unshift(text.slice(end));
    const raw = state.raw + text.slice(0, end);
    const calls = parsePythonCalls(raw);
    if (calls === undefined) this.passOn(raw, 'malformed');
    else this.output.toolCalls(calls);
    this.state = calls === undefined ? { kind: 'text' } : { kind: 'expect-call' };
    return true;
  }

  /** Before scanning: does the `[` go on like a call list? */
  private probe(state: Extract<State, { kind: 'list' }>, text: string): boolean {
    const seen = state.raw + text;
    if (/^\[\s*[A-Za-z_][\w.]*\s*\(/.test(seen)) {
      this.state = { kind: 'list', raw: '', scanner: new BracketExtentScanner(`"'`) };
      this.buffer.unshift(seen);
      return true;
    }
    if (/^\[\s*(?:[A-Za-z_][\w.]*\s*)?$/.test(seen)) {
      state.raw = seen;
      return false;
    }
    this.output.text('[');
    this.buffer.unshift(seen.slice(1));
    this.state = { kind: 'text' };
    return true;
  }

  private passOn(raw: string, why: string): void {
    this.options.onWarning?.(describePassedOnText('pythonic', `${why} tool call`, raw));
    this.output.text(raw);
  }
}
