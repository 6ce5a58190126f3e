import { expect, test } from 'vitest';
import { parseUpstreamChunk } from './parse-upstream-chunk.js';

test('a usage chunk keeps the reasoning token count (OpenAI-style servers report it there)', () => {
  const chunk = parseUpstreamChunk(
    JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      choices: [],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 30,
        total_tokens: 40,
        completion_tokens_details: { reasoning_tokens: 21 },
      },
    }),
  );
  expect(chunk.usage?.completion_tokens_details?.reasoning_tokens).toBe(21);
});

test('a chunk that is not JSON is an api_error', () => {
  expect(() => parseUpstreamChunk('{"choices": [')).toThrow(/not JSON/);
});
