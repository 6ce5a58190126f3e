import type { ModelStreamPart } from '../../model/model-stream-part.js';
import { PartBuilder } from '../part-builder.js';

/** A tool call read from model text: the tool's name and its input object. */
export interface ParsedToolCall {
  name: string;
  input: Record<string, unknown>;
}

/**
 * The output side of every tool-call parser. Whitespace that only separates calls (at the start
 * of the reply, between calls, after the last one) is formatting the template put there, not
 * content: it is held and dropped if a call or the end follows, released if text follows.
 */
export class ToolCallOutput {
  private readonly parts = new PartBuilder();
  private heldSpace = '';
  private holdingSpace = true;
  private afterCall = false;

  /** Only whitespace (or nothing) since the last call. */
  get rightAfterCall(): boolean {
    return this.afterCall && this.holdingSpace;
  }

  text(text: string): void {
    if (text === '') return;
    if (this.holdingSpace) {
      if (text.trim() === '') {
        this.heldSpace += text;
        return;
      }
      text = this.heldSpace + text;
      this.heldSpace = '';
      this.holdingSpace = false;
    }
    this.parts.text(text);
  }

  reasoning(text: string): void {
    this.parts.reasoning(text);
  }

  toolCalls(calls: readonly ParsedToolCall[]): void {
    this.heldSpace = '';
    this.holdingSpace = true;
    this.afterCall = true;
    for (const call of calls) this.parts.toolCall(call.name, call.input);
  }

  /** At the end of the stream: whitespace still held separated nothing from anything. */
  end(): void {
    this.heldSpace = '';
  }

  take(): ModelStreamPart[] {
    return this.parts.take();
  }
}
