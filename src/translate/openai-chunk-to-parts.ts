import type { ModelStreamPart, ModelUsage } from '../model/model-stream-part.js';
import { ApiError } from '../protocol/api-error.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapLlamaTimings, mapOpenAIUsage } from './map-openai-usage.js';
import type { OpenAIChunk, OpenAIToolCallDelta } from './openai-chunk-schema.js';

interface PendingCall {
  id: string;
  name: string | undefined;
  /** Arguments not yet emitted (the call is not the live one, or its name is unknown). */
  buffered: string;
  /** All arguments so far, to check they form JSON when the call ends. */
  all: string;
  started: boolean;
}

/**
 * The OpenAI-compatible stream direction: chunks in, neutral parts out (pure state machine).
 *
 * Tool calls arrive in every shape upstreams really send: id and name only in a call's first
 * delta, the whole call in one chunk, arguments in the same chunk as finish_reason, parallel
 * calls sequential or interleaved by index. Anthropic allows one open block at a time, so the
 * first call streams live and any other call is buffered and emitted whole when the live one
 * can no longer receive arguments (the stream finished).
 */
export class OpenAIChunkToParts {
  private readonly calls = new Map<number, PendingCall>();
  private liveIndex: number | undefined;
  private finished = false;
  private usageTold = false;

  /** `onWarning` hears of tool arguments that are not JSON (passed on as they came). */
  constructor(private readonly onWarning?: (message: string) => void) {}

  push(chunk: OpenAIChunk): ModelStreamPart[] {
    if (chunk.error != null) throw upstreamStreamError(chunk.error.message, chunk.error.type);
    const parts: ModelStreamPart[] = [];
    const choice = chunk.choices?.[0];
    // First: counts in every chunk (vLLM's continuous_usage_stats, llama-server's
    // timings_per_token) tell the prompt's size before the first text, for message_start.
    // Of those, only the first and the final ones (at the finish, or in the usage chunk after
    // it) become parts: the ones between would each cost a trip through the pipeline.
    const usage =
      !this.usageTold || choice === undefined || choice.finish_reason != null
        ? chunkUsage(chunk)
        : undefined;
    if (usage !== undefined) {
      parts.push({ type: 'usage', usage });
      this.usageTold = true;
    }
    const delta = choice?.delta;
    if (delta != null) {
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (reasoning) parts.push({ type: 'reasoning-delta', text: reasoning });
      if (delta.content) parts.push({ type: 'text-delta', text: delta.content });
      for (const call of delta.tool_calls ?? []) this.pushToolCall(call, parts);
    }
    if (choice?.finish_reason != null) {
      this.closeCalls(parts);
      parts.push({ type: 'finish', reason: mapOpenAIFinishReason(choice.finish_reason) });
      this.finished = true;
    }
    return parts;
  }

  /** The upstream closed the stream. Without a finish_reason it broke: that is an error. */
  finish(): ModelStreamPart[] {
    if (!this.finished) {
      throw new ApiError('api_error', 'The upstream stream ended before the model finished');
    }
    return [];
  }

  private pushToolCall(delta: OpenAIToolCallDelta, parts: ModelStreamPart[]): void {
    const index = delta.index ?? 0;
    let call = this.calls.get(index);
    if (call === undefined) {
      call = {
        id: delta.id ?? `call_${index}`,
        name: undefined,
        buffered: '',
        all: '',
        started: false,
      };
      this.calls.set(index, call);
    }
    if (delta.function?.name) call.name = delta.function.name;
    const piece = delta.function?.arguments ?? '';
    call.buffered += piece;
    call.all += piece;
    if (this.liveIndex === undefined && call.name !== undefined) this.liveIndex = index;
    if (this.liveIndex === index) emitCall(call, parts);
  }

  private closeCalls(parts: ModelStreamPart[]): void {
    const indices = [...this.calls.keys()].sort((a, b) => a - b);
    const live = this.liveIndex;
    if (live !== undefined) this.closeCall(this.calls.get(live), parts);
    for (const index of indices) if (index !== live) this.closeCall(this.calls.get(index), parts);
    this.calls.clear();
    this.liveIndex = undefined;
  }

  private closeCall(call: PendingCall | undefined, parts: ModelStreamPart[]): void {
    if (call === undefined) return;
    call.name ??= 'unknown_tool';
    emitCall(call, parts);
    parts.push({ type: 'tool-call-end', id: call.id });
    if (call.all !== '' && !isJson(call.all)) {
      this.onWarning?.(
        `upstream tool call ${call.name} has arguments that are not JSON; passed on as they came: ${call.all.slice(0, 200)}`,
      );
    }
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function emitCall(call: PendingCall, parts: ModelStreamPart[]): void {
  if (!call.started && call.name !== undefined) {
    parts.push({ type: 'tool-call-start', id: call.id, name: call.name });
    call.started = true;
  }
  if (call.started && call.buffered !== '') {
    parts.push({ type: 'tool-call-delta', id: call.id, argumentsDelta: call.buffered });
    call.buffered = '';
  }
}

function upstreamStreamError(
  message: string | null | undefined,
  type: string | null | undefined,
): ApiError {
  const text = message ?? 'unknown error';
  const overloaded = /overload|capacity|too many/i.test(text) || type === 'ServiceUnavailableError';
  return new ApiError(overloaded ? 'overloaded_error' : 'api_error', `Upstream error: ${text}`);
}

/** The chunk's usage, or llama-server's timings where usage has not come yet. */
function chunkUsage(chunk: OpenAIChunk): ModelUsage | undefined {
  if (chunk.usage != null) return mapOpenAIUsage(chunk.usage);
  return chunk.timings == null ? undefined : mapLlamaTimings(chunk.timings);
}
