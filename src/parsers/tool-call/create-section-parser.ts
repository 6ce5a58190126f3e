import type { ToolSchemas } from '../../model/model-request.js';
import { DelimiterSet } from '../delimiter-set.js';
import { describePassedOnText } from '../describe-passed-on-text.js';
import { HoldBackBuffer } from '../hold-back-buffer.js';
import type { TextParser, TextParserFactory, TextParserOptions } from '../text-parser.js';
import type { SectionParse } from './section-parse.js';
import { ToolCallOutput } from './tool-call-output.js';

/** The delimiters around one section of tool calls. */
export interface SectionDelimiters {
  open: string;
  close: string;
}

/**
 * A tool-call format whose calls sit in delimited sections of the text (`<tool_call>…</tool_call>`
 * and the like). The delimiters are data; only reading a section's body is format-specific.
 */
export interface SectionFormat {
  /** vLLM's `--tool-call-parser` name, for warnings. */
  name: string;
  sections: readonly SectionDelimiters[];
  parseSection(body: string, toolSchemas: ToolSchemas): SectionParse;
}

/**
 * A parser for a section format. A section is held whole until it closes, then emitted as calls
 * or, when it does not parse, as the raw text it was. An unclosed section at the end of the
 * stream is still accepted if its body parses (models often stop right after the last call).
 */
export function createSectionParser(format: SectionFormat): TextParserFactory {
  const opens = new DelimiterSet(format.sections.map((s) => s.open));
  const closes = new Map(format.sections.map((s) => [s.open, new DelimiterSet([s.close])]));
  return (options) => new SectionParser(format, options, opens, closes);
}

class SectionParser implements TextParser {
  private readonly buffer = new HoldBackBuffer();
  private readonly output = new ToolCallOutput();
  private open: string | undefined;
  private body = '';

  constructor(
    private readonly format: SectionFormat,
    private readonly options: TextParserOptions,
    private readonly opens: DelimiterSet,
    private readonly closes: ReadonlyMap<string, DelimiterSet>,
  ) {}

  push(text: string) {
    this.buffer.push(text);
    for (;;) {
      const closeSet = this.open === undefined ? undefined : this.closes.get(this.open);
      const { text: released, delimiter } = this.buffer.next(closeSet ?? this.opens);
      if (closeSet === undefined) this.output.text(released);
      else this.body += released;
      if (delimiter === undefined) break;
      if (closeSet === undefined) this.open = delimiter;
      else this.closeSection(delimiter);
    }
    return this.output.take();
  }

  finish() {
    const rest = this.buffer.takeAll();
    if (this.open === undefined) this.output.text(rest);
    else {
      this.body += rest;
      this.closeSection('');
    }
    this.output.end();
    return this.output.take();
  }

  private closeSection(close: string): void {
    const open = this.open ?? '';
    const result = this.format.parseSection(this.body, this.options.toolSchemas);
    if (result.kind === 'calls') this.output.toolCalls(result.calls);
    else {
      const raw = open + this.body + close;
      const state = close === '' ? 'unterminated' : 'malformed';
      const why = `${state} tool call (${result.reason})`;
      this.options.onWarning?.(describePassedOnText(this.format.name, why, raw));
      this.output.text(raw);
    }
    this.open = undefined;
    this.body = '';
  }
}
