import { expect, test } from 'vitest';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';

test.each([
  ['stop', 'end-turn'],
  ['length', 'max-tokens'],
  ['repetition', 'max-tokens'],
  ['tool_calls', 'tool-calls'],
  ['function_call', 'tool-calls'],
  ['content_filter', 'refusal'],
  ['eos', 'end-turn'],
])('%s → %s', (reason, mapped) => {
  expect(mapOpenAIFinishReason(reason)).toBe(mapped);
});

test.each(['abort', 'error'])('vLLM’s %s is an api_error: the reply is incomplete', (reason) => {
  expect(() => mapOpenAIFinishReason(reason)).toThrow(
    expect.objectContaining({
      type: 'api_error',
      status: 500,
      message: expect.stringContaining(`finish_reason "${reason}"`),
    }),
  );
});
