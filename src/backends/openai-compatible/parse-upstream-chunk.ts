import { ApiError } from '../../protocol/api-error.js';
import { isPlainChunk } from '../../translate/is-plain-chunk.js';
import { openAIChunkSchema, type OpenAIChunk } from '../../translate/openai-chunk-schema.js';

/** One SSE `data` payload from the upstream, checked loosely at the trust boundary. */
export function parseUpstreamChunk(data: string): OpenAIChunk {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new ApiError('api_error', 'The upstream sent a stream chunk that is not JSON');
  }
  return isPlainChunk(json) ? json : validateChunk(json);
}

function validateChunk(json: unknown): OpenAIChunk {
  const result = openAIChunkSchema.safeParse(json);
  if (!result.success) {
    throw new ApiError('api_error', 'The upstream sent a stream chunk of an unexpected shape');
  }
  return result.data;
}

/**
 * A non-streaming completion (what a non-streaming client's request asks for, and what some
 * servers answer even to `stream: true`) as the equivalent single chunk: the message becomes
 * the delta, tool calls get the indices deltas carry.
 */
export function completionAsChunk(json: unknown): OpenAIChunk {
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
