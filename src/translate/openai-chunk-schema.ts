import { z } from 'zod';

/**
 * What Ferry reads from an OpenAI-compatible stream chunk, loosely: every field optional and
 * nullable, unknown fields ignored, because vLLM, SGLang, llama-server, Ollama and LM Studio
 * each add and omit different ones. Reasoning arrives as `reasoning_content` (llama-server,
 * SGLang, vLLM < 0.10) or `reasoning` (newer vLLM, Ollama).
 */
const toolCallDelta = z.object({
  index: z.number().int().nullish(),
  id: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

const usage = z.object({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().nullish() }).nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: z.number().nullish() }).nullish(),
  /** SGLang's place for the count (python/sglang/srt/entrypoints/openai/protocol.py UsageInfo). */
  reasoning_tokens: z.number().nullish(),
});

/** llama-server's speed report; its counts stand in for usage until usage comes. */
const timings = z.object({
  prompt_n: z.number().nullish(),
  cache_n: z.number().nullish(),
  predicted_n: z.number().nullish(),
});

export const openAIChunkSchema = z.object({
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullish(),
            reasoning_content: z.string().nullish(),
            reasoning: z.string().nullish(),
            tool_calls: z.array(toolCallDelta).nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: usage.nullish(),
  timings: timings.nullish(),
  // A chunk reporting an error (vLLM and llama-server report some failures inside a 200 stream)
  // never gets here: parseUpstreamChunk throws it, mapped by mapUpstreamReplyError.
});

export type OpenAIChunk = z.infer<typeof openAIChunkSchema>;
export type OpenAIToolCallDelta = z.infer<typeof toolCallDelta>;
export type OpenAIUsage = z.infer<typeof usage>;
export type OpenAITimings = z.infer<typeof timings>;
