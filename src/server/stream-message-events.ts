import type {
  MessageDeltaUsage,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages';
import type { ModelStreamPart, ModelUsage } from '../model/model-stream-part.js';
import {
  MessageStreamBuilder,
  type MessageStreamBuilderOptions,
} from '../protocol/message-stream-builder.js';
import { StopSequenceEnforcer } from '../translate/enforce-stop-sequences.js';

/**
 * A backend's parts as batches of Anthropic events, pulled one batch per part. Nothing is
 * yielded before the first part arrives, so a failure before it can still be a JSON error.
 * When a stop sequence matches, iteration of the backend stops, which cancels its work.
 */
export async function* streamMessageEvents(
  parts: AsyncIterable<ModelStreamPart>,
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
  for await (const part of parts) {
    if (!started) options.onFirstPart?.();
    started = true;
    if (isDelta(part)) deltas++;
    else if (part.type === 'usage') usage = part.usage;
    const events = enforcer.push(part).flatMap((accepted) => builder.push(accepted));
    if (events.length > 0) yield events;
    if (enforcer.stopped) break;
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
