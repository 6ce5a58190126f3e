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
  /**
   * A check of the text after a close tag the body was `unfinished` at, given piece by piece as
   * it arrives (so that a long reply costs linear time): true once it shows that tag was real
   * (the value it seemed to sit in cannot go on like this), false once it shows it was not,
   * undefined while it cannot tell. Left out, only the rule of `createSectionParser` ends the
   * look.
   */
  closeWasReal?: () => (piece: string) => boolean | undefined;
}

/** Only this much of a body is shown to `plausible`: it judges the head, not the whole. */
const headLength = 256;

/**
 * A parser for a section format. A section is held whole until it closes, then emitted as calls
 * or, when it does not parse, as the raw text it was. An unclosed section at the end of the
 * stream is still accepted if its body parses (models often stop right after the last call).
 *
 * A close tag at which the body is `unfinished` (inside a value) may be quoted text of that
 * value, so the section looks past it to the next close tag. It is *doubtful* unless it closes
 * an open tag quoted earlier in the body (a value quoting a whole call). The look fails, and the
 * section ends at that close tag after all (the first doubtful one, else the first) with the
 * text after it read again, when:
 * - after a doubtful close tag, the section's open tag starts a line or follows right away: the
 *   templates write each call at the start of a line (GLM-4.7 back to back), so a call is next;
 * - the format's `closeWasReal` says so (Hermes: the JSON string broke its line);
 * - a later close tag finds the body malformed, or the stream ends with it unfinished.
 * Once a rule holds it holds for any longer text, and the rules are checked before each close
 * tag is read, so the result cannot depend on how the text was split. Text after a broken call
 * is thus held until a call opens or the line ends (Hermes), or the reply ends.
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

/** A section looking past close tags it was `unfinished` at. */
interface Look {
  /** How many close tags the body has taken in. */
  taken: number;
  /** Where in the body the close tag the section ends at, should the look fail, starts. */
  end: number;
  /** Why the body was unfinished there. */
  reason: string;
  /** Whether that close tag is doubtful (closes no quoted open tag). */
  doubtful: boolean;
  /** The format's check of the text after that tag, until it decided. */
  check: ((piece: string) => boolean | undefined) | undefined;
  /** What the format's check decided. */
  real: boolean | undefined;
  /** The first text after the tag, whitespace skipped, while it may still be an open tag. */
  lead: string | undefined;
  /** The last characters seen after the tag: an open tag may start across two pieces. */
  tail: string;
  /** A rule held: the tag was real. */
  failed: boolean;
}

class SectionParser implements TextParser {
  private readonly buffer = new HoldBackBuffer();
  private readonly output = new ToolCallOutput();
  private section: Section | undefined;
  private body = '';
  private look: Look | undefined;

  constructor(
    private readonly format: SectionFormat,
    private readonly options: TextParserOptions,
    private readonly opens: DelimiterSet,
    private readonly sections: ReadonlyMap<string, Section>,
  ) {}

  push(text: string) {
    this.buffer.push(text);
    this.read();
    return this.output.take();
  }

  finish() {
    let rest = this.buffer.takeAll();
    while (this.section !== undefined) {
      this.body += rest;
      // A section that ends at a close tag it looked past puts the text after it back.
      this.closeSection('');
      this.read();
      rest = this.buffer.takeAll();
    }
    this.output.text(rest);
    this.output.end();
    return this.output.take();
  }

  private read(): void {
    for (;;) {
      const section = this.section;
      const { text: released, delimiter } = this.buffer.next(section?.closes ?? this.opens);
      if (section === undefined) this.output.text(released);
      else {
        this.body += released;
        if (!this.stillPlausible(section, delimiter ?? '')) continue;
        if (this.lookFailed(section, released)) {
          this.endAtLookedPastClose(section, delimiter ?? '');
          continue;
        }
      }
      if (delimiter === undefined) break;
      if (section === undefined) this.openSection(delimiter);
      else this.closeSection(delimiter);
    }
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
    this.reset();
    return false;
  }

  /** `close` is '' at the end of the stream. */
  private closeSection(close: string): void {
    const section = this.section;
    if (section === undefined) return;
    const raw = section.open + this.body + close;
    const body = section.keepDelimiters === true ? raw : this.body;
    const result = this.format.parseSection(body, this.options.toolSchemas);
    if (result.kind === 'unfinished' && close !== '') this.lookPast(section, close, result.reason);
    else if (result.kind !== 'calls' && this.look !== undefined) {
      // Looking past a close tag did not pay off: that tag was real.
      this.endAtLookedPastClose(section, close);
    } else {
      if (result.kind === 'calls') this.output.toolCalls(result.calls);
      else {
        const state = close === '' ? 'unterminated' : 'malformed';
        this.passOn(raw, `${state} tool call (${result.reason})`);
      }
      this.reset();
    }
  }

  /** The close tag sits inside a value: it is part of the body, the section goes on. */
  private lookPast(section: Section, close: string, reason: string): void {
    const taken = this.look?.taken ?? 0;
    // More open tags in the body than close tags taken: this one closes a quoted call.
    const doubtful = countOccurrences(this.body, section.open) <= taken;
    const kept = this.look !== undefined && !(doubtful && !this.look.doubtful);
    if (!kept) {
      const check = this.format.closeWasReal?.();
      this.look = {
        ...{ taken, end: this.body.length, reason, doubtful, check, real: undefined },
        ...{ lead: '', tail: '', failed: false },
      };
    }
    this.body += close;
    // A look that goes on has this tag in the text after its own.
    if (kept) this.lookFailed(section, close);
    (this.look as Look).taken++;
  }

  /**
   * Whether the text after the close tag the section looks past, now `piece` longer, shows that
   * tag was real. Only the new piece is read (with a few characters before it), never the whole
   * text again: a look can last for a long reply.
   */
  private lookFailed(section: Section, piece: string): boolean {
    const look = this.look;
    if (look === undefined || look.failed || piece === '') return look?.failed === true;
    if (look.real === undefined && look.check !== undefined) {
      look.real = look.check(piece);
      if (look.real !== undefined) look.check = undefined;
    }
    if (look.real === true || (look.doubtful && this.opensCall(look, piece, section.open)))
      look.failed = true;
    return look.failed;
  }

  /** Whether the text after the tag opens a call where templates put one: right away, or at a
   * line's start. */
  private opensCall(look: Look, piece: string, open: string): boolean {
    if (look.lead !== undefined) {
      const lead = (look.lead + piece).trimStart();
      if (lead.length >= open.length) {
        if (lead.startsWith(open)) return true;
        look.lead = undefined;
      } else look.lead = open.startsWith(lead) ? lead : undefined;
    }
    const window = look.tail + piece;
    if (window.includes(`\n${open}`)) return true;
    look.tail = window.slice(-open.length);
    return false;
  }

  /**
   * Ends the section at the close tag its look began at, as the malformed text it is there, and
   * puts everything after that tag (and `delimiter`, just read) back to be read again.
   */
  private endAtLookedPastClose(section: Section, delimiter: string): void {
    const look = this.look;
    if (look === undefined) return;
    const closeEnd = look.end + section.close.length;
    this.buffer.unshift(this.body.slice(closeEnd) + delimiter);
    const raw = section.open + this.body.slice(0, closeEnd);
    this.passOn(raw, `malformed tool call (${look.reason})`);
    this.reset();
  }

  private reset(): void {
    this.section = undefined;
    this.body = '';
    this.look = undefined;
  }

  private passOn(raw: string, why: string): void {
    this.options.onWarning?.(describePassedOnText(this.format.name, why, raw));
    this.output.text(raw);
  }
}

function countOccurrences(text: string, token: string): number {
  return text.split(token).length - 1;
}
