import { expect, test } from 'vitest';
import type { OpenAIUsage } from './openai-chunk-schema.js';
import { mapOpenAIUsage } from './map-openai-usage.js';

test.each<[string, OpenAIUsage, ReturnType<typeof mapOpenAIUsage>]>([
  [
    'OpenAI-style: completion_tokens_details',
    {
      prompt_tokens: 10,
      completion_tokens: 30,
      completion_tokens_details: { reasoning_tokens: 21 },
    },
    { inputTokens: 10, outputTokens: 30, reasoningTokens: 21 },
  ],
  [
    "SGLang's final usage: reasoning_tokens at the top level",
    {
      prompt_tokens: 300,
      completion_tokens: 40,
      prompt_tokens_details: { cached_tokens: 256 },
      reasoning_tokens: 25,
      completion_tokens_details: null,
    },
    { inputTokens: 300, outputTokens: 40, cachedInputTokens: 256, reasoningTokens: 25 },
  ],
  [
    "SGLang's default 0 (every per-chunk usage, releases that never count) is no count",
    {
      prompt_tokens: 300,
      completion_tokens: 5,
      reasoning_tokens: 0,
      completion_tokens_details: null,
    },
    { inputTokens: 300, outputTokens: 5 },
  ],
  [
    'completion_tokens_details wins where both are sent',
    {
      prompt_tokens: 1,
      completion_tokens: 9,
      reasoning_tokens: 7,
      completion_tokens_details: { reasoning_tokens: 0 },
    },
    { inputTokens: 1, outputTokens: 9, reasoningTokens: 0 },
  ],
  ['no counts at all', {}, { inputTokens: 0, outputTokens: 0 }],
])('%s', (_name, usage, expected) => {
  expect(mapOpenAIUsage(usage)).toEqual(expected);
});
