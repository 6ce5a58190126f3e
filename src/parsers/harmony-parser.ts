// source: vllm-project/vllm vllm/tool_parsers/openai_tool_parser.py,
// vllm/reasoning/gptoss_reasoning_parser.py and vllm/entrypoints/harmony_utils.py; the harmony
// response format of openai/gpt-oss-20b / gpt-oss-120b (openai/harmony docs):
// `<|channel|>analysis<|message|>…<|end|><|start|>assistant<|channel|>commentary to=functions.NAME <|constrain|>json<|message|>{…}<|call|>`
// and `<|start|>assistant<|channel|>final<|message|>…<|return|>`.
import { DelimiterSet } from './delimiter-set.js';
import { SteppingParser } from './tool-call/stepping-parser.js';
import type { TextParser, TextParserOptions } from './text-parser.js';
import { parseJsonObject } from '../util/parse-json.js';
import { describePassedOnText } from './describe-passed-on-text.js';

/** Whether this parser turns function messages into calls or passes them on for one that does. */
export type HarmonyRole = 'tool-calls' | 'reasoning';

/** Where a message's body goes, decided by its header. */
type Route =
  { kind: 'reasoning' } | { kind: 'text' } | { kind: 'call'; name: string } | { kind: 'verbatim' };

type State =
  | { kind: 'outside' }
  | { kind: 'header'; raw: string }
  | { kind: 'body'; header: string; route: Route; body: string };

const headerStarts = ['<|start|>', '<|channel|>'];
const messageEnds = ['<|end|>', '<|call|>', '<|return|>'];
const outsideTokens = new DelimiterSet([...headerStarts, ...messageEnds]);
const headerEnd = new DelimiterSet(['<|message|>']);
const bodyEnds = new DelimiterSet([...messageEnds, ...headerStarts]);
/** Headers are a role, a channel, a recipient and a content type: never this long. */
const maxHeaderLength = 512;

/**
 * gpt-oss harmony messages as parts: analysis → reasoning, final and commentary preambles →
 * text, `to=functions.NAME` messages → tool calls (role `tool-calls`) or, for the reasoning
 * parser, the message's raw text so the `openai` tool-call parser after it can read it.
 */
export function createHarmonyParser(role: HarmonyRole, options: TextParserOptions): TextParser {
  return new HarmonyParser(role, options);
}

class HarmonyParser extends SteppingParser {
  private state: State = { kind: 'outside' };

  constructor(
    private readonly role: HarmonyRole,
    private readonly options: TextParserOptions,
  ) {
    super();
  }

  protected flush(rest: string): void {
    if (this.state.kind === 'outside') this.output.text(rest);
    else if (this.state.kind === 'header')
      this.passOn(this.state.raw + rest, 'unterminated header');
    else this.endMessage({ ...this.state, body: this.state.body + rest }, '');
  }

  protected step(): boolean {
    switch (this.state.kind) {
      case 'outside':
        return this.readOutside();
      case 'header':
        return this.readHeader(this.state);
      case 'body':
        return this.readBody(this.state);
    }
  }

  private readOutside(): boolean {
    const { text, delimiter } = this.buffer.next(outsideTokens);
    this.output.text(text);
    if (delimiter === undefined) return false;
    // A stray end token outside a message is a control token, not text.
    if (headerStarts.includes(delimiter)) this.state = { kind: 'header', raw: delimiter };
    return true;
  }

  private readHeader(state: Extract<State, { kind: 'header' }>): boolean {
    const { text, delimiter } = this.buffer.next(headerEnd);
    state.raw += text;
    if (delimiter === undefined) {
      if (state.raw.length > maxHeaderLength) this.passOn(state.raw, 'overlong header');
      return this.state.kind === 'outside';
    }
    const header = state.raw + delimiter;
    this.state = { kind: 'body', header, route: this.routeOf(header), body: '' };
    return true;
  }

  private readBody(state: Extract<State, { kind: 'body' }>): boolean {
    const { text, delimiter } = this.buffer.next(bodyEnds);
    if (state.route.kind === 'reasoning') this.output.reasoning(text);
    else if (state.route.kind === 'text') this.output.text(text);
    else state.body += text;
    if (delimiter === undefined) return false;
    const endsHere = messageEnds.includes(delimiter);
    // A new header without an end token ends the message all the same.
    if (!endsHere) this.buffer.unshift(delimiter);
    this.endMessage(state, endsHere ? delimiter : '');
    return true;
  }

  private endMessage(state: Extract<State, { kind: 'body' }>, end: string): void {
    this.state = { kind: 'outside' };
    const raw = state.header + state.body + end;
    if (state.route.kind === 'verbatim') this.output.text(raw);
    if (state.route.kind !== 'call') return;
    const input = parseJsonObject(state.body.trim());
    if (input === undefined) this.passOn(raw, end === '' ? 'unterminated call' : 'malformed call');
    else this.output.toolCalls([{ name: state.route.name, input }]);
  }

  private routeOf(header: string): Route {
    const recipient = /\bto=([^\s<]+)/.exec(header)?.[1];
    if (recipient !== undefined) {
      const name = recipient.startsWith('functions.') ? recipient.slice('functions.'.length) : '';
      if (name === '' && this.role === 'tool-calls') {
        this.options.onWarning?.(
          describePassedOnText('openai', 'message to a built-in tool', header),
        );
      }
      return name !== '' && this.role === 'tool-calls'
        ? { kind: 'call', name }
        : { kind: 'verbatim' };
    }
    const channel = /<\|channel\|>\s*([^\s<]+)/.exec(header)?.[1];
    return channel === 'analysis' ? { kind: 'reasoning' } : { kind: 'text' };
  }

  private passOn(raw: string, why: string): void {
    this.options.onWarning?.(describePassedOnText('openai (harmony)', why, raw));
    this.output.text(raw);
    this.state = { kind: 'outside' };
  }
}
