import { DelimiterSet } from '../delimiter-set.js';
import { HoldBackBuffer } from '../hold-back-buffer.js';
import { PartBuilder } from '../part-builder.js';
import type { TextParser, TextParserFactory, TextParserOptions } from '../text-parser.js';

/** A reasoning format that wraps reasoning in tags (`<think>…</think>`). Tags are data. */
export interface ThinkTagFormat {
  open: string;
  close: string;
  /** Whether the family's chat template opens the block in the prompt (reply starts inside it). */
  opensInPrompt: boolean;
  /** Text that ends reasoning without the close tag and belongs to the reply (kept as text). */
  implicitEnds?: readonly string[];
}

/**
 * A parser for a think-tag format. An open tag counts only at the start of the reply (models
 * whose template opened the block may still repeat it); the whitespace right after either tag
 * is the template's line break and is dropped.
 */
export function createThinkTagParser(format: ThinkTagFormat): TextParserFactory {
  const sets = {
    startReasoning: new DelimiterSet([format.open, format.close, ...(format.implicitEnds ?? [])]),
    reasoning: new DelimiterSet([format.close, ...(format.implicitEnds ?? [])]),
    startText: new DelimiterSet([format.open]),
    text: new DelimiterSet([]),
  };
  return (options) => new ThinkTagParser(format, sets, options);
}

interface Sets {
  startReasoning: DelimiterSet;
  reasoning: DelimiterSet;
  startText: DelimiterSet;
  text: DelimiterSet;
}

class ThinkTagParser implements TextParser {
  private readonly buffer = new HoldBackBuffer();
  private readonly parts = new PartBuilder();
  private inReasoning: boolean;
  /** Nothing but whitespace seen yet: an open tag may still come. */
  private atStart = true;
  private leadingSpace = '';
  private skipSpace = false;
  private readonly hides: boolean;
  /** Reasoning held while the client is shown none (see TextParserOptions.hidesReasoning). */
  private held = '';

  constructor(
    private readonly format: ThinkTagFormat,
    private readonly sets: Sets,
    options: TextParserOptions,
  ) {
    this.inReasoning = options.promptOpensReasoning ?? format.opensInPrompt;
    this.hides = options.hidesReasoning === true;
  }

  push(text: string) {
    this.buffer.push(text);
    for (;;) {
      const { text: released, delimiter } = this.buffer.next(this.currentSet());
      this.emit(released);
      if (delimiter === undefined) break;
      // The set was picked before `released` went out; if that was content, an open tag
      // after it is no longer at the start of the reply.
      if (delimiter === this.format.open && !this.atStart) this.emit(delimiter);
      else this.onDelimiter(delimiter);
    }
    return this.parts.take();
  }

  finish() {
    this.emit(this.buffer.takeAll());
    this.emit(this.leadingSpace, true);
    // Never closed, and not shown: it was the reply.
    if (this.held !== '') this.parts.text(this.held);
    this.held = '';
    return this.parts.take();
  }

  private currentSet(): DelimiterSet {
    if (this.inReasoning) return this.atStart ? this.sets.startReasoning : this.sets.reasoning;
    return this.atStart ? this.sets.startText : this.sets.text;
  }

  private onDelimiter(delimiter: string): void {
    this.atStart = false;
    this.leadingSpace = '';
    this.skipSpace = true;
    if (delimiter === this.format.open) this.inReasoning = true;
    else {
      this.inReasoning = false;
      if (this.held !== '') this.parts.reasoning(this.held);
      this.held = '';
      // An implicit end is the reply's own text (a tool call): give it back to be released.
      if (delimiter !== this.format.close) this.buffer.unshift(delimiter);
      this.skipSpace = delimiter === this.format.close;
    }
  }

  private emit(text: string, final = false): void {
    if (this.skipSpace) {
      text = text.trimStart();
      if (text === '') return;
      this.skipSpace = false;
    }
    if (this.atStart && !final) {
      if (text.trim() === '') {
        this.leadingSpace += text;
        return;
      }
      text = this.leadingSpace + text;
      this.leadingSpace = '';
      this.atStart = false;
    }
    if (this.inReasoning && this.hides) this.held += text;
    else if (this.inReasoning) this.parts.reasoning(text);
    else this.parts.text(text);
  }
}
