import type { ModelStreamPart } from '../model/model-stream-part.js';

/**
 * Ferry matches `stop_sequences` itself, on text outside tool calls, so the reply can say which
 * sequence matched on every engine. Text that could be the start of a stop sequence is held back
 * until it either completes one or clearly does not. After a match the caller stops the
 * upstream; `stopped` tells it so.
 */
export class StopSequenceEnforcer {
  private held = '';
  private readonly longest: number;
  stopped = false;

  constructor(private readonly sequences: readonly string[]) {
    this.longest = Math.max(0, ...sequences.map((sequence) => sequence.length));
  }

  push(part: ModelStreamPart): ModelStreamPart[] {
    if (this.stopped) return [];
    if (this.longest === 0) return [part];
    if (part.type !== 'text-delta') return [...this.release(), part];
    return this.scan(this.held + part.text);
  }

  /** Releases held text at the end of the stream (it completed no stop sequence). */
  finish(): ModelStreamPart[] {
    return this.stopped ? [] : this.release();
  }

  private scan(text: string): ModelStreamPart[] {
    const match = this.firstMatch(text);
    if (match !== undefined) {
      this.stopped = true;
      this.held = '';
      const before = text.slice(0, match.index);
      return [
        ...(before === '' ? [] : [textDelta(before)]),
        { type: 'finish', reason: 'stop-sequence', stopSequence: match.sequence },
      ];
    }
    const keep = this.possibleStartLength(text);
    this.held = text.slice(text.length - keep);
    const released = text.slice(0, text.length - keep);
    return released === '' ? [] : [textDelta(released)];
  }

  private firstMatch(text: string): { index: number; sequence: string } | undefined {
    let best: { index: number; sequence: string } | undefined;
    for (const sequence of this.sequences) {
      if (sequence === '') continue;
      const index = text.indexOf(sequence);
      if (index !== -1 && (best === undefined || index < best.index)) best = { index, sequence };
    }
    return best;
  }

  /** Length of the longest tail of `text` that is a proper prefix of some stop sequence. */
  private possibleStartLength(text: string): number {
    for (let length = Math.min(text.length, this.longest - 1); length > 0; length--) {
      const tail = text.slice(text.length - length);
      if (this.sequences.some((sequence) => sequence.startsWith(tail))) return length;
    }
    return 0;
  }

  private release(): ModelStreamPart[] {
    const text = this.held;
    this.held = '';
    return text === '' ? [] : [textDelta(text)];
  }
}

function textDelta(text: string): ModelStreamPart {
  return { type: 'text-delta', text };
}
