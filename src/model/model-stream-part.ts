/**
 * The backend-neutral stream every backend produces and the message stream builder consumes.
 * Backends (OpenAI-compatible upstreams, the embedded engine) and the raw-text parsers all speak
 * this union; Anthropic block indices are assigned later, in one place only.
 */
export type ModelStreamPart =
  /**
   * `tokens`: how many generated tokens the text came from, where the backend knows (the
   * embedded engine); the reasoning parser counts those it finds in reasoning.
   */
  | { type: 'text-delta'; text: string; tokens?: number }
  | { type: 'reasoning-delta'; text: string }
  /** A tool call begins. `id` correlates the call's later parts; it is not shown to clients. */
  | { type: 'tool-call-start'; id: string; name: string }
  /** A piece of the call's JSON arguments; the pieces of one call concatenate to its input. */
  | { type: 'tool-call-delta'; id: string; argumentsDelta: string }
  | { type: 'tool-call-end'; id: string }
  | { type: 'usage'; usage: ModelUsage }
  | { type: 'finish'; reason: ModelFinishReason; stopSequence?: string };

/**
 * What a backend yields at a time: the parts of one network read or of one generated token, in
 * order (never empty). Batches rather than single parts keep the async hand-offs between the
 * pipeline's stages (backend, parsers, event builder, socket writer) at one per read.
 */
export type ModelStreamBatch = ModelStreamPart[];

/** Why generation ended, in backend-neutral words (mapped to Anthropic's stop_reason later). */
export type ModelFinishReason =
  | 'end-turn'
  | 'max-tokens'
  | 'stop-sequence'
  | 'tool-calls'
  | 'context-window-exceeded'
  /** The engine's content filter withheld the reply (OpenAI's `content_filter`). */
  | 'refusal';

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from the engine's prefix cache, when the engine reports them. */
  cachedInputTokens?: number;
  /**
   * Output tokens spent reasoning: as the engine reports them (OpenAI's reasoning_tokens), or
   * counted by the reasoning parser where text parts carry token counts (the embedded engine).
   */
  reasoningTokens?: number;
}
