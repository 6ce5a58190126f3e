/**
 * Builders for chat-completion chunks in the exact shape vLLM's OpenAI server emits
 * (vllm/entrypoints/openai/serving_chat.py: id/object/created/model on every chunk, `logprobs`
 * and `finish_reason` on every choice, `stop_reason` beside a finish, and usage in a final chunk
 * with empty `choices` when `stream_options.include_usage` is set).
 */
const head = {
  id: 'chatcmpl-b6f2c1',
  object: 'chat.completion.chunk',
  created: 1764000000,
  model: 'qwen3-coder',
};

export function chunk(delta: Record<string, unknown>): object {
  return { ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: null }] };
}

export function toolCallChunk(
  index: number,
  call: { id?: string; name?: string; args?: string },
): object {
  const fn: Record<string, string> = {};
  if (call.name !== undefined) fn.name = call.name;
  if (call.args !== undefined) fn.arguments = call.args;
  const toolCall = {
    ...(call.id === undefined ? {} : { id: call.id, type: 'function' }),
    index,
    function: fn,
  };
  return chunk({ tool_calls: [toolCall] });
}

export function finishChunk(reason: string): object {
  return {
    ...head,
    choices: [
      {
        index: 0,
        delta: { content: '' },
        logprobs: null,
        finish_reason: reason,
        stop_reason: null,
      },
    ],
  };
}

export function usageChunk(prompt: number, completion: number, cached?: number): object {
  return {
    ...head,
    choices: [],
    usage: {
      prompt_tokens: prompt,
      total_tokens: prompt + completion,
      completion_tokens: completion,
      prompt_tokens_details: cached === undefined ? null : { cached_tokens: cached },
    },
  };
}

/** SSE pieces as the server writes them, ending with vLLM's `[DONE]`. */
export function sse(chunks: readonly object[], done = true): string[] {
  const pieces = chunks.map((value) => `data: ${JSON.stringify(value)}\n\n`);
  return done ? [...pieces, 'data: [DONE]\n\n'] : pieces;
}
