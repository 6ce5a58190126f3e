import type { Backend } from '../backends/backend.js';
import type { ModelRequest } from '../model/model-request.js';
import type { ModelStreamBatch } from '../model/model-stream-part.js';
import type { Logger } from '../observability/logger.js';
import type { FerryMetrics } from '../observability/metrics.js';
import type { ToolConversionCache } from '../translate/tool-conversion-cache.js';
import type { MessageThreads } from './message-threads.js';

export interface FerryAppOptions {
  backend: Backend;
  logger: Logger;
  /** Requested model id → served model (see resolveModel). */
  aliases?: Readonly<Record<string, string>>;
  /** A fingerprint of the backend's source, reported by the health probe (`ferry claude`). */
  backendIdentity?: string;
  /** When set, clients must send it as `x-api-key` or `Authorization: Bearer`. */
  apiKey?: string;
  /** Web origins (or `*`) whose pages may call Ferry from a browser; none when absent. */
  corsOrigins?: readonly string[];
  /** Prometheus metrics served at GET /metrics; a fresh registry when absent. */
  metrics?: FerryMetrics;
  /** Conversions of the tool lists clients keep sending; a fresh one when absent. */
  toolCache?: ToolConversionCache;
  /** Conversations kept between the turns of message threads; a fresh store when absent. */
  threads?: MessageThreads;
  /** Largest request body in bytes. Default 32 MiB. */
  maxBodyBytes?: number;
  /**
   * Largest request head (request line and headers) in bytes; beyond it the answer is a 431 in
   * Anthropic's error shape. Default 32 KiB (Node's own default is 16 KiB).
   */
  maxHeaderBytes?: number;
  /** Milliseconds of upstream silence before a `ping` event. Default 10 000. */
  pingIntervalMs?: number;
  /**
   * Requests in progress, each as a function that ends it: with an SSE `error` event once its
   * stream is open, else with a 529 `overloaded_error`. Called when a shutdown's grace period
   * runs out, so no request is cut without a word.
   */
  openStreams?: Set<() => void>;
  /**
   * Turns a backend's raw text into tool calls and reasoning for models that need a parser
   * (`--tool-call-parser`, `--reasoning-parser`); identity when absent.
   */
  parseParts?: (
    batches: AsyncIterable<ModelStreamBatch>,
    request: ModelRequest,
  ) => AsyncIterable<ModelStreamBatch>;
}
