/**
 * Chunks in the shape llama.cpp's llama-server streams from /v1/chat/completions
 * (tools/server: `to_json_oaicompat_chat_stream`; common/chat.cpp builds the deltas): choices
 * before the envelope fields, `system_fingerprint` on every chunk, a first delta with
 * `content: null`, reasoning as `reasoning_content`, an empty delta beside the finish reason,
 * and usage plus `timings` inside that final chunk (no separate usage chunk).
 */
const envelope = {
  created: 1762593253,
  id: 'chatcmpl-DHvcEyFobkuV4Xu1QSYo4bqNv18TDqaA',
  model: 'qwen2.5-coder-7b-instruct-q4_k_m.gguf',
  system_fingerprint: 'b6881-8b11deea4',
  object: 'chat.completion.chunk',
};

export function llamaChunk(delta: Record<string, unknown>): object {
  return { choices: [{ finish_reason: null, index: 0, delta }], ...envelope };
}

export function llamaToolCall(
  index: number,
  call: { id?: string; name?: string; args: string },
): object {
  const head = call.id === undefined ? {} : { id: call.id, type: 'function' };
  const fn =
    call.name === undefined ? { arguments: call.args } : { name: call.name, arguments: call.args };
  return llamaChunk({ tool_calls: [{ index, ...head, function: fn }] });
}

export function llamaFinish(reason: string, prompt: number, completion: number): object {
  return {
    choices: [{ finish_reason: reason, index: 0, delta: {} }],
    ...envelope,
    usage: {
      completion_tokens: completion,
      prompt_tokens: prompt,
      total_tokens: prompt + completion,
    },
    timings: { prompt_n: prompt, prompt_ms: 203.4, predicted_n: completion, predicted_ms: 933.6 },
  };
}
