import type { ModelUsage } from '../model/model-stream-part.js';
import type { OpenAITimings, OpenAIUsage } from './openai-chunk-schema.js';

export function mapOpenAIUsage(usage: OpenAIUsage): ModelUsage {
  const mapped: ModelUsage = {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
  };
  // Assigned, not spread in: with usage in every chunk this runs for each of them.
  const cached = usage.prompt_tokens_details?.cached_tokens;
  if (cached != null) mapped.cachedInputTokens = cached;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens ?? sglangReasoning(usage);
  if (reasoning != null) mapped.reasoningTokens = reasoning;
  return mapped;
}

/**
 * SGLang's top-level `reasoning_tokens` (UsageInfo, python/sglang/srt/entrypoints/openai/
 * protocol.py). It defaults to 0, which SGLang sends in every per-chunk usage and, in releases
 * that never fill it, in the final one too: a 0 is no count, so the per-chunk counts decide.
 */
function sglangReasoning(usage: OpenAIUsage): number | undefined {
  const count = usage.reasoning_tokens;
  return count != null && count > 0 ? count : undefined;
}

/**
 * llama-server's `timings` as usage: the prompt's tokens evaluated (`prompt_n`) and served from
 * its cache (`cache_n`), and the tokens generated so far. Undefined without the prompt's count
 * (llama-server's -1 is "not measured").
 */
export function mapLlamaTimings(timings: OpenAITimings): ModelUsage | undefined {
  if (timings.prompt_n == null || timings.prompt_n < 0) return undefined;
  const cached = timings.cache_n ?? 0;
  return {
    inputTokens: timings.prompt_n + cached,
    outputTokens: timings.predicted_n ?? 0,
    cachedInputTokens: cached,
  };
}
