import type { ModelRequest } from '../model/model-request.js';
import type { ModelStreamBatch } from '../model/model-stream-part.js';

export interface TokenCount {
  inputTokens: number;
  /** false when no tokenizer was reachable and the count is Ferry's documented estimate. */
  exact: boolean;
}

/**
 * One request's log (the server's per-request logger, whose lines carry the request id): a
 * backend's warnings about that request go there.
 */
export interface RequestLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface EngineLoad {
  /** Sequences the engine serves at once (`--parallel`). */
  sequences: number;
  busy: number;
  /** Requests waiting for a free sequence. */
  waiting: number;
}

/**
 * One engine behind Ferry. Every implementation passes the same conformance suite
 * (test/backends/backend.case.ts).
 *
 * `streamChat` throws an ApiError for failures it can see before the first part (so the server
 * can still answer with a JSON error) and throws mid-iteration for failures after it. Aborting
 * `signal` must stop the engine's work promptly.
 */
export interface Backend {
  readonly kind: string;
  /** Model names this backend serves. */
  listModels(signal?: AbortSignal): Promise<string[]>;
  streamChat(
    request: ModelRequest,
    signal: AbortSignal,
    log?: RequestLog,
  ): AsyncIterable<ModelStreamBatch>;
  countTokens(request: ModelRequest, signal: AbortSignal): Promise<TokenCount>;
  /**
   * Set by backends that return the model's raw text (the embedded engine): the chat template
   * they render prompts with, from which `auto` parsers are chosen.
   */
  chatTemplateOf?(model: string): string | undefined;
  /**
   * Set by backends that tell the model how to call tools themselves (the embedded engine, for
   * a template with no tool format of its own): the tool-call parser name for that format.
   */
  toolCallFormatOf?(model: string): string | undefined;
  /** What an in-process engine is doing, for metrics: sequences in use and requests queued. */
  engineLoad?(): EngineLoad;
  /**
   * Served names (`--served-model-name`) that no engine model answers to, with the models the
   * engine does serve; checked at start so that a misspelt name is heard of before a request
   * fails on it. Backends that cannot tell leave it unset.
   */
  servedNamesNotFound?(signal?: AbortSignal): Promise<{ names: string[]; engineModels: string[] }>;
  /**
   * Throws when the model server is not answering. Set by backends whose `listModels` may
   * answer without asking it (an upstream with `--served-model-name`), so that `GET /v1/models`
   * still says whether the model can be reached (`ferry claude` relies on it).
   */
  checkReachable?(signal?: AbortSignal): Promise<void>;
  /** Tokens of context the served model has (prompt and output together), where known. */
  contextLength?(model: string, signal?: AbortSignal): Promise<number | undefined>;
  close(): Promise<void>;
}
