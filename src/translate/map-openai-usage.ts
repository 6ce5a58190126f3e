import type { ModelUsage } from '../model/model-stream-part.js';
import type { OpenAIUsage } from './openai-chunk-schema.js';

export function mapOpenAIUsage(usage: OpenAIUsage): ModelUsage {
  const cached = usage.prompt_tokens_details?.cached_tokens;
  return {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    ...(cached == null ? {} : { cachedInputTokens: cached }),
  };
}
