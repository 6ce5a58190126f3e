import type {
  MessageDeltaUsage,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages';
import type { ModelStreamPart } from '../model/model-stream-part.js';
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
  let sawUsage = false;
  let started = false;
  for await (const part of parts) {
    if (!started) options.onFirstPart?.();
    started = true;
    if (isDelta(part)) deltas++;
    else if (part.type === 'usage') sawUsage = true;
    const events = enforcer.push(part).flatMap((accepted) => builder.push(accepted));
    if (events.length > 0) yield events;
    if (enforcer.stopped) break;
  }
  const tail = enforcer.finish().flatMap((part) => builder.push(part));
  // Stopped early, the engine never reported usage: one streamed delta is about one token.
  if (enforcer.stopped && !sawUsage) {
    const usage = { inputTokens: options.inputTokens ?? 0, outputTokens: deltas };
    tail.push(...builder.push({ type: 'usage', usage }));
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
