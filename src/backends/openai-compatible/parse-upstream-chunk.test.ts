import { expect, test } from 'vitest';
import { completionAsChunk, parseUpstreamChunk } from './parse-upstream-chunk.js';

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

test.each([
  [
    "in vLLM's shape (message, type, code)",
    '{"error":{"message":"boom","type":"InternalServerError","code":500}}',
    'Upstream error: boom',
  ],
  [
    'without code or type',
    '{"error":{"message":"model crashed"}}',
    'Upstream error: model crashed',
  ],
  [
    'as a string (TGI)',
    '{"error":"Request failed during generation"}',
    'Upstream error: Request failed during generation',
  ],
])('an error chunk %s throws the upstream message', (_name, data, message) => {
  expect(() => parseUpstreamChunk(data)).toThrow(message);
});

test.each([
  [{ error: { message: 'model crashed' } }, 'Upstream error: model crashed'],
  [
    { id: 'x', object: 'chat.completion' },
    'The upstream sent an invalid reply: a completion without choices',
  ],
])('a JSON reply %j that is no completion throws %s', (json, message) => {
  expect(() => completionAsChunk(json)).toThrow(message);
});
