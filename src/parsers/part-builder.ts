import type { ModelStreamPart } from '../model/model-stream-part.js';
import { createToolCallId } from './create-tool-call-id.js';

/** Collects a parser's output parts, merging neighbouring text or reasoning deltas. */
export class PartBuilder {
  private parts: ModelStreamPart[] = [];

  text(text: string): void {
    if (text === '') return;
    const last = this.parts.at(-1);
    if (last?.type === 'text-delta') last.text += text;
    else this.parts.push({ type: 'text-delta', text });
  }

  reasoning(text: string): void {
    if (text === '') return;
    const last = this.parts.at(-1);
    if (last?.type === 'reasoning-delta') last.text += text;
    else this.parts.push({ type: 'reasoning-delta', text });
  }

  /** A whole tool call: start, its JSON arguments in one delta, end. */
  toolCall(name: string, input: Record<string, unknown>): void {
    const id = createToolCallId();
    this.parts.push(
      { type: 'tool-call-start', id, name },
      { type: 'tool-call-delta', id, argumentsDelta: JSON.stringify(input) },
      { type: 'tool-call-end', id },
    );
  }

  /** The parts collected since the last take. */
  take(): ModelStreamPart[] {
    const parts = this.parts;
    this.parts = [];
    return parts;
  }
}
