import { ApiError } from '../../protocol/api-error.js';
import { isPlainChunk } from '../../translate/is-plain-chunk.js';
import { openAIChunkSchema, type OpenAIChunk } from '../../translate/openai-chunk-schema.js';
import { mapUpstreamReplyError, replyError } from './map-upstream-reply-error.js';

/**
 * One SSE `data` payload from the upstream, checked loosely at the trust boundary. A chunk that
 * reports an error, in any of the shapes upstreams use, throws it.
 */
export function parseUpstreamChunk(data: string): OpenAIChunk {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new ApiError('api_error', 'The upstream sent a stream chunk that is not JSON');
  }
  return isPlainChunk(json) ? json : validateChunk(json);
}

/** A 2xx reply Ferry cannot read: the upstream's fault, not the network's. */
export function invalidReply(what: string): ApiError {
  return new ApiError('api_error', `The upstream sent an invalid reply: ${what}`);
}

function validateChunk(json: unknown): OpenAIChunk {
  const error = replyError(json);
  if (error !== undefined) throw mapUpstreamReplyError(error);
  const result = openAIChunkSchema.safeParse(json);
  if (!result.success) {
    throw new ApiError('api_error', 'The upstream sent a stream chunk of an unexpected shape');
  }
  return result.data;
}

/**
 * A non-streaming completion (what a non-streaming client's request asks for, and what some
 * servers answer even to `stream: true`) as the equivalent single chunk: the message becomes
 * the delta, tool calls get the indices deltas carry. A body that reports an error throws it.
 */
export function completionAsChunk(json: unknown): OpenAIChunk {
  const error = replyError(json);
  if (error !== undefined) throw mapUpstreamReplyError(error);
  if (!Array.isArray((json as { choices?: unknown } | undefined)?.choices))
    throw invalidReply('a completion without choices');
  const record = (typeof json === 'object' && json !== null ? json : {}) as {
    choices?: Array<{ message?: { tool_calls?: unknown[] }; finish_reason?: unknown }>;
    usage?: unknown;
  };
  const choice = record.choices?.[0];
  const message = choice?.message ?? {};
  // Object.assign, not `{ ...a, key }`: adding a key after a spread is slow on Node 20's V8.
  const toolCalls = message.tool_calls?.map((call, index) => Object.assign({}, call, { index }));
  const chunk = {
    choices: [
      {
        delta: Object.assign({}, message, { tool_calls: toolCalls }),
        finish_reason: choice?.finish_reason,
      },
    ],
    usage: record.usage,
  };
  return validateChunk(chunk);
}
