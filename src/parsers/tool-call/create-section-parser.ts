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
  /** The delimiters are part of what `parseSection` reads (a section recognised by its content). */
  keepDelimiters?: boolean;
  /**
   * Whether the start of the body can still be a call; when it cannot, the section is given
   * up at once and released as text instead of being held to the end of the reply.
   */
  plausible?: (head: string, toolSchemas: ToolSchemas) => boolean;
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
  /** Tokens dropped when they directly follow a call (an orphan close tag). */
  strayAfterCall?: readonly string[];
}

/** Only this much of a body is shown to `plausible`: it judges the head, not the whole. */
const headLength = 256;

/**
 * A parser for a section format. A section is held whole until it closes, then emitted as calls
 * or, when it does not parse, as the raw text it was. A close tag at which the body is
 * `unfinished` (inside a value) does not close it; the next close tag is tried. Each decision
 * looks only at the text before the close tag, so no text after one is held back for it, and
 * the result cannot depend on how the text was split. An unclosed section at the end of the
 * stream is still accepted if its body parses (models often stop right after the last call).
 */
export function createSectionParser(format: SectionFormat): TextParserFactory {
  const opens = new DelimiterSet([
    ...format.sections.map((s) => s.open),
    ...(format.strayAfterCall ?? []),
  ]);
  const sections = new Map(
    format.sections.map((s) => [s.open, { ...s, closes: new DelimiterSet([s.close]) }]),
  );
  return (options) => new SectionParser(format, options, opens, sections);
}

type Section = SectionDelimiters & { closes: DelimiterSet };

class SectionParser implements TextParser {
  private readonly buffer = new HoldBackBuffer();
  private readonly output = new ToolCallOutput();
  private section: Section | undefined;
  private body = '';

  constructor(
    private readonly format: SectionFormat,
    private readonly options: TextParserOptions,
    private readonly opens: DelimiterSet,
    private readonly sections: ReadonlyMap<string, Section>,
  ) {}

  push(text: string) {
    this.buffer.push(text);
    for (;;) {
      const section = this.section;
      const { text: released, delimiter } = this.buffer.next(section?.closes ?? this.opens);
      if (section === undefined) this.output.text(released);
      else this.body += released;
      if (section !== undefined && !this.stillPlausible(section, delimiter ?? '')) continue;
      if (delimiter === undefined) break;
      if (section === undefined) this.openSection(delimiter);
      else this.closeSection(delimiter);
    }
    return this.output.take();
  }

  finish() {
    const rest = this.buffer.takeAll();
    if (this.section === undefined) this.output.text(rest);
    else {
      this.body += rest;
      this.closeSection('');
    }
    this.output.end();
    return this.output.take();
  }

  private openSection(delimiter: string): void {
    this.section = this.sections.get(delimiter);
    if (this.section !== undefined) return;
    // A stray token: dropped right after a call, text anywhere else.
    if (!this.output.rightAfterCall) this.output.text(delimiter);
  }

  /** Gives a section up (as text, re-read from its body) once its head cannot be a call. */
  private stillPlausible(section: Section, delimiter: string): boolean {
    if (section.plausible === undefined || this.body.length > headLength) return true;
    if (section.plausible(this.body, this.options.toolSchemas)) return true;
    this.output.text(section.open);
    this.buffer.unshift(this.body + delimiter);
    this.section = undefined;
    this.body = '';
    return false;
  }

  /** `close` is '' at the end of the stream. */
  private closeSection(close: string): void {
    const section = this.section;
    if (section === undefined) return;
    const raw = section.open + this.body + close;
    const body = section.keepDelimiters === true ? raw : this.body;
    const result = this.format.parseSection(body, this.options.toolSchemas);
    switch (result.kind) {
      case 'calls':
        this.output.toolCalls(result.calls);
        break;
      case 'unfinished':
        if (close !== '') {
          // The close tag sits inside a value: it is part of the body, the section goes on.
          this.body += close;
          return;
        }
        this.passOn(raw, `unterminated tool call (${result.reason})`);
        break;
      case 'malformed': {
        const state = close === '' ? 'unterminated' : 'malformed';
        this.passOn(raw, `${state} tool call (${result.reason})`);
        break;
      }
    }
    this.section = undefined;
    this.body = '';
  }

  private passOn(raw: string, why: string): void {
    this.options.onWarning?.(describePassedOnText(this.format.name, why, raw));
    this.output.text(raw);
  }
}
