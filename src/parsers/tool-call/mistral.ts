// source: vllm-project/vllm vllm/tool_parsers/mistral_tool_parser.py; chat templates of
// mistralai/Mistral-7B-Instruct-v0.3 (`[TOOL_CALLS] [{"name": …, "arguments": {…}}]`, tokenizer < v11)
// and Mistral-Small-3.2 / Devstral / Magistral (`[TOOL_CALLS]NAME[ARGS]{…}`, tokenizer v11+).
import { DelimiterSet } from '../delimiter-set.js';
import { SteppingParser } from './stepping-parser.js';
import type { TextParser, TextParserOptions } from '../text-parser.js';
import { BracketExtentScanner } from './bracket-extent-scanner.js';
import { isPlainObject } from '../../util/is-plain-object.js';
import { parseJson } from '../../util/parse-json.js';
import { toJsonCall } from './read-json-call.js';
import type { ParsedToolCall } from './tool-call-output.js';
import { describePassedOnText } from '../describe-passed-on-text.js';

const callToken = '[TOOL_CALLS]';
const callTokens = new DelimiterSet([callToken]);
/** Longest plausible `NAME[CALL_ID]ID[ARGS]` before the arguments; beyond it, not a call. */
const maxHeaderLength = 256;

type State =
  | { kind: 'text' }
  | { kind: 'header'; raw: string }
  | { kind: 'arguments'; raw: string; header: string; scanner: BracketExtentScanner };

/** Mistral: `[TOOL_CALLS]` then a JSON array of calls (old) or `NAME[ARGS]{…}` per call (v11+). */
export function createMistralParser(options: TextParserOptions): TextParser {
  return new MistralParser(options);
}

class MistralParser extends SteppingParser {
  private state: State = { kind: 'text' };

  constructor(private readonly options: TextParserOptions) {
    super();
  }

  protected flush(rest: string): void {
    if (this.state.kind === 'text') this.output.text(rest);
    else this.giveUp(this.state.raw + rest, 'unterminated');
  }

  /** Advances one state; false when it needs more input. */
  protected step(): boolean {
    switch (this.state.kind) {
      case 'text':
        return this.readText();
      case 'header':
        return this.readHeader(this.state.raw);
      case 'arguments':
        return this.readArguments(this.state);
    }
  }

  private readText(): boolean {
    const { text, delimiter } = this.buffer.next(callTokens);
    this.output.text(text);
    if (delimiter === undefined) return false;
    this.state = { kind: 'header', raw: delimiter };
    return true;
  }

  private readHeader(raw: string): boolean {
    const header = raw.slice(callToken.length) + this.buffer.takeAll();
    const open = argumentsStart(header);
    if (open === -1 && header.length <= maxHeaderLength) {
      this.state = { kind: 'header', raw: callToken + header };
      return false;
    }
    if (open === -1) {
      this.giveUp(callToken + header, 'no arguments');
      return true;
    }
    this.buffer.unshift(header.slice(open));
    const prefix = header.slice(0, open);
    const scanner = new BracketExtentScanner('"');
    this.state = { kind: 'arguments', raw: callToken + prefix, header: prefix, scanner };
    return true;
  }

  private readArguments(state: Extract<State, { kind: 'arguments' }>): boolean {
    const text = this.buffer.takeAll();
    const end = state.scanner.scan(text);
    if (end === -1) {
      state.raw += text;
      return false;
    }
    this.buffer.unshift(text.slice(end));
    const json = state.raw.slice(callToken.length + state.header.length) + text.slice(0, end);
    const calls = readCalls(state.header, json);
    if (calls === undefined) this.giveUp(state.raw + text.slice(0, end), 'malformed');
    else this.output.toolCalls(calls);
    this.state = { kind: 'text' };
    return true;
  }

  private giveUp(raw: string, why: string): void {
    this.options.onWarning?.(describePassedOnText('mistral', `${why} tool call`, raw));
    this.output.text(raw);
    this.state = { kind: 'text' };
  }
}

/**
 * Where the JSON begins: right away for the old style's array (or single object), after the
 * name for v11+ (whose `[ARGS]` marker is no JSON). -1 while it has not arrived.
 */
function argumentsStart(header: string): number {
  const first = header.search(/\S/);
  if (first === -1) return -1;
  const char = header.charAt(first);
  return char === '[' || char === '{' ? first : header.indexOf('{', first);
}

/** The calls of one `[TOOL_CALLS]` block, or undefined when it is not well-formed. */
function readCalls(header: string, json: string): ParsedToolCall[] | undefined {
  const value = parseJson(json);
  if (header.trim() === '') {
    const items = Array.isArray(value) ? value : [value];
    const calls = items.map(toJsonCall);
    return calls.length > 0 && calls.every((c) => c !== undefined) ? calls : undefined;
  }
  // v11+: NAME[ARGS] or NAME[CALL_ID]ID[ARGS]; some tokenizers drop the [ARGS] text.
  const name = header.split('[CALL_ID]')[0]?.replace('[ARGS]', '').trim() ?? '';
  if (!/^[\w.-]+$/.test(name) || !isPlainObject(value)) return undefined;
  return [{ name, input: value }];
}
