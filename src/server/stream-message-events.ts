import type {
  Message,
  MessageDeltaUsage,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages';
import type { ModelStreamBatch, ModelStreamPart, ModelUsage } from '../model/model-stream-part.js';
import {
  MessageStreamBuilder,
  type MessageStreamBuilderOptions,
} from '../protocol/message-stream-builder.js';
import { MessageAccumulator } from '../protocol/accumulate-message.js';
import { StopSequenceEnforcer } from '../translate/enforce-stop-sequences.js';
import { OneToolCallLimit } from '../translate/limit-to-one-tool-call.js';
import { mapAsyncBatches } from '../util/map-async-batches.js';

/** A message's events in batches, and its opening on demand. */
export type MessageEvents = AsyncGenerator<RawMessageStreamEvent[]> & {
  /** `message_start` now, before the backend's first part; [] once it went out. */
  start(): RawMessageStreamEvent[];
};

/**
 * A backend's batches of parts as batches of Anthropic events, one pulled per backend batch.
 * Nothing is yielded before the first batch arrives, so a failure before it can still be a JSON
 * error. When a stop sequence matches, or the one tool call `disable_parallel_tool_use` allows
 * is complete, iteration of the backend stops, which cancels its work.
 */
export function streamMessageEvents(
  batches: AsyncIterable<ModelStreamBatch>,
  options: MessageStreamBuilderOptions & {
    stopSequences: readonly string[];
    /** `disable_parallel_tool_use`: end the reply after its first tool call. */
    oneToolCall?: boolean;
    /**
     * false when the request offers no tools or says `tool_choice: none`: Anthropic then never
     * answers with a tool_use, so a call an engine returns anyway is left out (and told).
     */
    toolsAllowed?: boolean;
    onToolCallDropped?: (name: string) => void;
    onFirstPart?: () => void;
    onUsage?: (usage: MessageDeltaUsage) => void;
    /**
     * The prompt's token count, asked for only when Ferry stopped the backend before it
     * reported usage (OpenAI-compatible engines send it last).
     */
    countInputTokens?: () => Promise<number>;
    /** Given the whole reply once it is complete (message_stop); a stream cut short gives none. */
    onMessage?: (message: Message) => void;
    /** A compaction request: the reply's text is the summary, sent as one `compaction` block. */
    asCompaction?: boolean;
  },
): MessageEvents {
  const builder = new MessageStreamBuilder(options);
  const enforcer = new StopSequenceEnforcer(options.stopSequences);
  const limit = options.oneToolCall === true ? new OneToolCallLimit() : undefined;
  const stopped = (): boolean => enforcer.stopped || limit?.stopped === true;
  const accept = (part: ModelStreamPart): RawMessageStreamEvent[] =>
    limit === undefined
      ? builder.push(part)
      : limit.push(part).flatMap((kept) => builder.push(kept));
  let deltas = 0;
  let usage: ModelUsage | undefined;
  let started = false;
  const eventsOf = (batch: ModelStreamBatch): RawMessageStreamEvent[] => {
    if (!started) options.onFirstPart?.();
    started = true;
    const events: RawMessageStreamEvent[] = [];
    for (const part of batch) {
      if (stopped()) {
        // The engine's usage in the same read as the stop is still the engine's own count.
        if (part.type === 'usage') {
          usage = part.usage;
          events.push(...builder.push(part));
        }
        continue;
      }
      if (isDelta(part)) deltas += part.type === 'text-delta' ? (part.tokens ?? 1) : 1;
      if (options.toolsAllowed === false && isToolCallPart(part)) {
        if (part.type === 'tool-call-start') options.onToolCallDropped?.(part.name);
        continue;
      }
      if (part.type === 'usage') usage = part.usage;
      for (const accepted of enforcer.push(part)) events.push(...accept(accepted));
    }
    return events;
  };
  const lastEvents = async (): Promise<RawMessageStreamEvent[]> => {
    const tail = enforcer.finish().flatMap(accept);
    // Stopped early, the engine's count of its output is missing or behind (counts that come
    // with every chunk are passed on only at the start): one streamed delta is about one token
    // (the embedded engine's text says how many it came from).
    if (stopped() && (usage === undefined || usage.outputTokens < deltas)) {
      const inputTokens = usage?.inputTokens ?? options.inputTokens ?? (await countInput());
      const counted = { ...usage, inputTokens, outputTokens: deltas };
      tail.push(...builder.push({ type: 'usage', usage: counted }));
    }
    const last = [...tail, ...builder.finish()];
    for (const event of last) if (event.type === 'message_delta') options.onUsage?.(event.usage);
    return last;
  };
  const countInput = async (): Promise<number> => {
    try {
      return (await options.countInputTokens?.()) ?? 0;
    } catch {
      return 0; // the reply is whole; only its usage lacks the prompt's count
    }
  };
  const seen = pipe(
    options.asCompaction === true ? foldIntoCompaction() : undefined,
    options.onMessage === undefined ? undefined : collectMessage(options.onMessage),
  );
  const events =
    seen === undefined
      ? mapAsyncBatches(batches, eventsOf, { stopAfter: stopped, finish: lastEvents })
      : mapAsyncBatches(batches, (batch) => seen(eventsOf(batch)), {
          stopAfter: stopped,
          finish: async () => seen(await lastEvents()),
        });
  return Object.assign(events, {
    start: () => (seen === undefined ? builder.start() : seen(builder.start())),
  });
}

type EventStep = (events: RawMessageStreamEvent[]) => RawMessageStreamEvent[];

function pipe(...steps: ReadonlyArray<EventStep | undefined>): EventStep | undefined {
  const used = steps.filter((step): step is EventStep => step !== undefined);
  if (used.length <= 1) return used[0];
  return (events) => used.reduce((batch, step) => step(batch), events);
}

/**
 * A compaction's reply: its text becomes the summary of one `compaction` block, sent whole in
 * one `compaction_delta` (as Anthropic sends it) when the reply ends, with stop_reason
 * `compaction`. Other blocks are left out. A failed compaction is a block with `content: null`
 * (the SDK's BetaCompactionBlock: a client keeps its conversation as it is): a summary that is
 * empty, or that the model did not end itself (cut at max_tokens, a stop sequence or the
 * context window; a refusal), whose client would otherwise replace its history with half of it.
 */
function foldIntoCompaction(): EventStep {
  let summary = '';
  return (events) =>
    events.flatMap((event): RawMessageStreamEvent[] => {
      switch (event.type) {
        case 'content_block_delta':
          if (event.delta.type === 'text_delta') summary += event.delta.text;
          return [];
        case 'content_block_start':
        case 'content_block_stop':
          return [];
        case 'message_delta': {
          const whole = event.delta.stop_reason === 'end_turn' && summary.trim() !== '';
          const block = { type: 'compaction', content: null, encrypted_content: null };
          const delta = {
            type: 'compaction_delta',
            content: whole ? summary : null,
            encrypted_content: null,
          };
          return [
            { type: 'content_block_start', index: 0, content_block: block },
            { type: 'content_block_delta', index: 0, delta },
            { type: 'content_block_stop', index: 0 },
            {
              ...event,
              delta: {
                ...event.delta,
                stop_reason: 'compaction',
                stop_sequence: null,
                stop_details: null,
              },
            },
          ] as unknown as RawMessageStreamEvent[]; // beta types: the non-beta ones lack compaction
        }
        case 'message_start':
        case 'message_stop':
          return [event];
      }
    });
}

/** Passes events through, folding them into the reply handed to `onMessage` at its end. */
function collectMessage(onMessage: (message: Message) => void): EventStep {
  const accumulator = new MessageAccumulator();
  return (events) => {
    for (const event of events) {
      accumulator.push(event);
      if (event.type === 'message_stop') onMessage(accumulator.result());
    }
    return events;
  };
}

function isDelta(part: ModelStreamPart): boolean {
  return (
    part.type === 'text-delta' || part.type === 'reasoning-delta' || part.type === 'tool-call-delta'
  );
}

function isToolCallPart(part: ModelStreamPart): boolean {
  return (
    part.type === 'tool-call-start' ||
    part.type === 'tool-call-delta' ||
    part.type === 'tool-call-end'
  );
}
