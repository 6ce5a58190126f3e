import { HoldBackBuffer } from '../hold-back-buffer.js';
import type { TextParser } from '../text-parser.js';
import { ToolCallOutput } from './tool-call-output.js';

/**
 * The loop every hand-written format parser shares: buffer the text, take steps while they
 * make progress, hand out what was produced. A format supplies one step of its state machine
 * and what to do with the text left at the end.
 */
export abstract class SteppingParser implements TextParser {
  protected readonly buffer = new HoldBackBuffer();
  protected readonly output = new ToolCallOutput();

  push(text: string) {
    this.buffer.push(text);
    while (this.step()) {
      /* each step consumes input or changes state */
    }
    return this.output.take();
  }

  finish() {
    this.flush(this.buffer.takeAll());
    this.output.end();
    return this.output.take();
  }

  /** One step; true while it made progress and another may follow. */
  protected abstract step(): boolean;

  /** The stream ended: settle the state with the text still held. */
  protected abstract flush(rest: string): void;
}
