import type { ModelUsage } from '../model/model-stream-part.js';
import type { OpenAIUsage } from './openai-chunk-schema.js';

export function mapOpenAIUsage(usage: OpenAIUsage): ModelUsage {
  const cached = usage.prompt_tokens_details?.cached_tokens;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  return {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    ...(cached == null ? {} : { cachedInputTokens: cached }),
    ...(reasoning == null ? {} : { reasoningTokens: reasoning }),
  };
}
