import type { ModelStreamPart } from '../model/model-stream-part.js';
import { ApiError } from '../protocol/api-error.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapOpenAIUsage } from './map-openai-usage.js';
import type { OpenAIChunk, OpenAIToolCallDelta } from './openai-chunk-schema.js';

interface PendingCall {
  id: string;
  name: string | undefined;
  /** Arguments not yet emitted (the call is not the live one, or its name is unknown). */
  buffered: string;
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

  push(chunk: OpenAIChunk): ModelStreamPart[] {
    if (chunk.error != null) throw upstreamStreamError(chunk.error.message, chunk.error.type);
    const parts: ModelStreamPart[] = [];
    const choice = chunk.choices?.[0];
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
    if (chunk.usage != null) parts.push({ type: 'usage', usage: mapOpenAIUsage(chunk.usage) });
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
      call = { id: delta.id ?? `call_${index}`, name: undefined, buffered: '', started: false };
      this.calls.set(index, call);
    }
    if (delta.function?.name) call.name = delta.function.name;
    call.buffered += delta.function?.arguments ?? '';
    if (this.liveIndex === undefined && call.name !== undefined) this.liveIndex = index;
    if (this.liveIndex === index) emitCall(call, parts);
  }

  private closeCalls(parts: ModelStreamPart[]): void {
    const indices = [...this.calls.keys()].sort((a, b) => a - b);
    const live = this.liveIndex;
    if (live !== undefined) closeCall(this.calls.get(live), parts);
    for (const index of indices) if (index !== live) closeCall(this.calls.get(index), parts);
    this.calls.clear();
    this.liveIndex = undefined;
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

function closeCall(call: PendingCall | undefined, parts: ModelStreamPart[]): void {
  if (call === undefined) return;
  call.name ??= 'unknown_tool';
  emitCall(call, parts);
  parts.push({ type: 'tool-call-end', id: call.id });
}

function upstreamStreamError(
  message: string | null | undefined,
  type: string | null | undefined,
): ApiError {
  const text = message ?? 'unknown error';
  const overloaded = /overload|capacity|too many/i.test(text) || type === 'ServiceUnavailableError';
  return new ApiError(overloaded ? 'overloaded_error' : 'api_error', `Upstream error: ${text}`);
}
