import type {
  ChatCompletionCreateParamsStreaming,
  ChatCompletionStreamOptions,
} from 'openai/resources/chat/completions';

/**
 * The chat request sent to an OpenAI-compatible engine: OpenAI's own shape plus the extensions
 * vLLM, SGLang and llama-server accept (`top_k`, `chat_template_kwargs`,
 * `continue_final_message`, `continuous_usage_stats`, `timings_per_token`).
 */
export type ChatRequest = Omit<ChatCompletionCreateParamsStreaming, 'stream' | 'stream_options'> & {
  /** false only for non-streaming clients without stop sequences: one JSON reply is cheaper. */
  stream: boolean;
  /** vLLM and SGLang: `continuous_usage_stats` puts usage in every chunk. */
  stream_options?: (ChatCompletionStreamOptions & { continuous_usage_stats?: boolean }) | null;
  /** llama-server: `timings` (with the prompt's counts) in every chunk. */
  timings_per_token?: boolean;
  top_k?: number;
  chat_template_kwargs?: Record<string, unknown>;
  /** vLLM: continue the final assistant message (Anthropic prefill) instead of a new turn. */
  continue_final_message?: boolean;
  add_generation_prompt?: boolean;
};

/** JSON Schemas of the request's tools by name; parsers use them to type XML-style arguments. */
export type ToolSchemas = ReadonlyMap<string, Record<string, unknown>>;

/** What a backend is asked to do for one /v1/messages call. */
export interface ModelRequest {
  /** The served model this request resolved to (after aliases). */
  model: string;
  chat: ChatRequest;
  /** Stop strings Ferry enforces itself so the matched string is known on every engine. */
  stopSequences: readonly string[];
  toolSchemas: ToolSchemas;
  /**
   * The request did not enable thinking, so the client is shown no reasoning: raw-text
   * reasoning parsers may then hold it until it ends (see TextParserOptions.hidesReasoning).
   */
  hidesReasoning?: boolean;
  /** Stable per conversation (x-claude-code-session-id, metadata.user_id, ...); for affinity. */
  sessionKey?: string;
}
