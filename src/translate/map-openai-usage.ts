import type { ModelUsage } from '../model/model-stream-part.js';
import type { OpenAIUsage } from './openai-chunk-schema.js';

export function mapOpenAIUsage(usage: OpenAIUsage): ModelUsage {
  const mapped: ModelUsage = {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
  };
  // Assigned, not spread in: with usage in every chunk this runs for each of them.
  const cached = usage.prompt_tokens_details?.cached_tokens;
  if (cached != null) mapped.cachedInputTokens = cached;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (reasoning != null) mapped.reasoningTokens = reasoning;
  return mapped;
}
