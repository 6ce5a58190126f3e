import type {
  MessageDeltaUsage,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages';
import type { ModelStreamBatch, ModelStreamPart, ModelUsage } from '../model/model-stream-part.js';
import {
  MessageStreamBuilder,
  type MessageStreamBuilderOptions,
} from '../protocol/message-stream-builder.js';
import { StopSequenceEnforcer } from '../translate/enforce-stop-sequences.js';

/**
 * A backend's batches of parts as batches of Anthropic events, one pulled per backend batch.
 * Nothing is yielded before the first batch arrives, so a failure before it can still be a JSON
 * error. When a stop sequence matches, iteration of the backend stops, which cancels its work.
 */
export async function* streamMessageEvents(
  batches: AsyncIterable<ModelStreamBatch>,
  options: MessageStreamBuilderOptions & {
    stopSequences: readonly string[];
    onFirstPart?: () => void;
    onUsage?: (usage: MessageDeltaUsage) => void;
  },
): AsyncGenerator<RawMessageStreamEvent[]> {
  const builder = new MessageStreamBuilder(options);
  const enforcer = new StopSequenceEnforcer(options.stopSequences);
  let deltas = 0;
  let usage: ModelUsage | undefined;
  let started = false;
  // By hand, not `for await`: a suspended generator keeps its frame's variables alive, and the
  // last batch and its events must not outlive their turn while the next batch is awaited.
  const iterator = batches[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<ModelStreamBatch> | undefined = await iterator.next();
      if (next.done === true) break;
      if (!started) options.onFirstPart?.();
      started = true;
      let events: RawMessageStreamEvent[] | undefined = [];
      for (const part of next.value) {
        if (isDelta(part)) deltas++;
        else if (part.type === 'usage') usage = part.usage;
        for (const accepted of enforcer.push(part)) events.push(...builder.push(accepted));
        if (enforcer.stopped) break;
      }
      next = undefined;
      if (events.length > 0) yield events;
      events = undefined;
      if (enforcer.stopped) break;
    }
  } finally {
    await iterator.return?.();
  }
  const tail = enforcer.finish().flatMap((part) => builder.push(part));
  // Stopped early, the engine never reported its output: one streamed delta is about one token.
  if (enforcer.stopped && (usage === undefined || usage.outputTokens === 0)) {
    const counted = { ...usage, inputTokens: usage?.inputTokens ?? options.inputTokens ?? 0 };
    tail.push(...builder.push({ type: 'usage', usage: { ...counted, outputTokens: deltas } }));
  }
  const last = [...tail, ...builder.finish()];
  for (const event of last) if (event.type === 'message_delta') options.onUsage?.(event.usage);
  yield last;
}

function isDelta(part: ModelStreamPart): boolean {
  return (
    part.type === 'text-delta' || part.type === 'reasoning-delta' || part.type === 'tool-call-delta'
  );
}
