// source: vllm-project/vllm vllm/tool_parsers/llama_tool_parser.py; chat template of
// meta-llama/Llama-3.1-8B-Instruct and Llama-3.3-70B-Instruct (JSON tool calling:
// `{"name": …, "parameters": {…}}`, optionally after `<|python_tag|>`, several joined by `; `).
import { DelimiterSet } from '../delimiter-set.js';
import { SteppingParser } from './stepping-parser.js';
import type { TextParser, TextParserOptions } from '../text-parser.js';
import { BracketExtentScanner } from './bracket-extent-scanner.js';
import { parseJson } from '../../util/parse-json.js';
import { toJsonCall } from './read-json-call.js';
import { describePassedOnText } from '../describe-passed-on-text.js';

const pythonTag = '<|python_tag|>';
const pythonTags = new DelimiterSet([pythonTag]);

type State =
  | { kind: 'expect-call' }
  | { kind: 'text' }
  | { kind: 'json'; raw: string; scanner: BracketExtentScanner };

/**
 * Llama 3 JSON: a reply that is (or, after `<|python_tag|>`, continues as) JSON call objects.
 * JSON is only looked for where a call can begin, so JSON quoted in prose stays text.
 */
export function createLlama3JsonParser(options: TextParserOptions): TextParser {
  return new Llama3JsonParser(options);
}

class Llama3JsonParser extends SteppingParser {
  private state: State = { kind: 'expect-call' };

  constructor(private readonly options: TextParserOptions) {
    super();
  }

  protected flush(rest: string): void {
    if (this.state.kind === 'json') this.passOn(this.state.raw + rest, 'unterminated');
    else this.output.text(rest);
  }

  protected step(): boolean {
    switch (this.state.kind) {
      case 'expect-call':
        return this.expectCall();
      case 'text':
        return this.readText();
      case 'json':
        return this.readJson(this.state);
    }
  }

  /** At a place a call may begin: whitespace, `;` between calls, the python tag, or `{`. */
  private expectCall(): boolean {
    const pending = this.buffer.takeAll();
    const start = pending.search(/\S/);
    this.output.text(start === -1 ? pending : pending.slice(0, start));
    if (start === -1) return false;
    const rest = pending.slice(start);
    if (rest.startsWith('{'))
      this.state = { kind: 'json', raw: '', scanner: new BracketExtentScanner('"') };
    else if (rest.startsWith(pythonTag)) return this.resume(rest.slice(pythonTag.length));
    else if (rest.startsWith(';')) return this.resume(rest.slice(1));
    else if (pythonTag.startsWith(rest)) {
      this.buffer.unshift(rest);
      return false;
    } else this.state = { kind: 'text' };
    this.buffer.unshift(rest);
    return true;
  }

  private resume(rest: string): boolean {
    this.buffer.unshift(rest);
    return true;
  }

  private readText(): boolean {
    const { text, delimiter } = this.buffer.next(pythonTags);
    this.output.text(text);
    if (delimiter === undefined) return false;
    this.state = { kind: 'expect-call' };
    return true;
  }

  private readJson(state: Extract<State, { kind: 'json' }>): boolean {
    const text = this.buffer.takeAll();
    const end = state.scanner.scan(text);
    if (end === -1) {
      state.raw += text;
      return false;
    }
    this.buffer.unshift(text.slice(end));
    const raw = state.raw + text.slice(0, end);
    const value = parseJson(raw);
    const call = toJsonCall(value);
    if (call !== undefined) this.output.toolCalls([call]);
    // Valid JSON that is no call is an answer in JSON, not a failed call: no warning.
    else if (value === undefined) this.passOn(raw, 'malformed');
    else this.output.text(raw);
    this.state = call === undefined ? { kind: 'text' } : { kind: 'expect-call' };
    return true;
  }

  private passOn(raw: string, why: string): void {
    this.options.onWarning?.(describePassedOnText('llama3_json', `${why} tool call`, raw));
    this.output.text(raw);
  }
}
