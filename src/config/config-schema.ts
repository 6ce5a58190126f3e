import { z } from 'zod';
import { normalizeUpstreamUrl } from '../backends/openai-compatible/normalize-upstream-url.js';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The Hugging Face URIs node-llama-cpp resolves: `owner/repo`, a `:quant` tag, or a file in it. */
const huggingFaceUri = /^(?:hf|huggingface):(?:\/\/)?[^/\s:]+\/[^/\s:]+(?::[^/\s]+|\/\S+)?$/i;

/**
 * Ferry's settings, the same from flags and from the YAML config file (`--config`). Strict:
 * a misspelt key is an error that names it, not a silently ignored setting.
 */
export const configSchema = z.strictObject({
  /** Interface to bind. Default 127.0.0.1: nothing outside this machine can reach Ferry. */
  host: z.string().min(1).default('127.0.0.1'),
  /** Port to listen on. Default 8000 (vLLM's). */
  port: z.number().int().min(0).max(65535).default(8000),
  /**
   * The OpenAI-compatible server's base URL, with or without the trailing /v1; not an endpoint
   * (`…/chat/completions`), as Ferry appends those. `user:password@` in it is sent as HTTP Basic
   * auth (not with `upstreamApiKey`: both would be the `Authorization` header).
   */
  upstream: z
    .string()
    .superRefine((url, context) => {
      // The backend's own reading of the URL: what it would refuse is refused here, as a
      // configuration error (exit 2), and what it accepts is accepted.
      const normalized = normalizeUpstreamUrl(url);
      if ('problem' in normalized)
        context.addIssue({ code: 'custom', message: normalized.problem });
    })
    .optional(),
  /** Key sent to the upstream as `Authorization: Bearer …`. */
  upstreamApiKey: z.string().min(1).optional(),
  /** Model names served; default: what the upstream's /v1/models lists. A name given twice counts once. */
  servedModelNames: z
    .array(z.string().min(1))
    .min(1)
    .transform((names) => [...new Set(names)])
    .optional(),
  /** Key clients must send (`x-api-key` or `Authorization: Bearer`). Default: none. */
  apiKey: z.string().min(1).optional(),
  /**
   * Web origins whose pages may call Ferry from a browser (CORS), e.g. `http://localhost:5173`,
   * or `*` for any. Default: none, so no web page can read Ferry's replies.
   */
  corsOrigins: z
    .array(
      z.string().regex(/^(\*|https?:\/\/[^/\s?#]+)$/, {
        error: 'expected * or an origin such as http://localhost:5173 (no path)',
      }),
    )
    .optional(),
  logLevel: z.enum(logLevels).default('info'),
  /**
   * Requested model id → served model. Keys: exact ids, globs (`claude-*`) or the Claude family
   * names `opus`, `sonnet`, `haiku`. Any other `claude-*` id goes to the first served model.
   */
  aliases: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Largest request body accepted, in bytes. Default 32 MiB, as Anthropic's API. */
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .default(32 * 1024 * 1024),
  /** Largest request head (request line and headers), in bytes → 431 beyond. Default 32 KiB. */
  maxHeaderBytes: z
    .number()
    .int()
    .min(1024)
    .default(32 * 1024),
  /** Seconds in-flight requests get to finish after SIGTERM / SIGINT before Ferry exits. */
  shutdownGraceSeconds: z.number().min(0).default(10),
  /** Seconds of upstream silence before a `ping` event keeps the client's stream alive. */
  pingIntervalSeconds: z.number().positive().default(10),
  /** Upstream timeouts in seconds: connecting, first byte (covers prompt processing), idle. */
  connectTimeoutSeconds: z.number().positive().default(10),
  firstByteTimeoutSeconds: z.number().positive().default(600),
  idleTimeoutSeconds: z.number().positive().default(600),
  /**
   * Raw-text parsers (vLLM names, or `auto`) for upstreams that return tool calls and reasoning
   * as plain text. Default: none — structured upstream output passes through untouched.
   */
  toolCallParser: z.string().min(1).optional(),
  reasoningParser: z.string().min(1).optional(),
  /** Per served model, overriding `toolCallParser` / `reasoningParser`. */
  modelParsers: z
    .record(
      z.string().min(1),
      z.strictObject({
        toolCallParser: z.string().min(1).optional(),
        reasoningParser: z.string().min(1).optional(),
      }),
    )
    .default({}),
  /** Extra attempts, before anything reached the client, when the upstream is down or 502/503. */
  upstreamRetries: z.number().int().min(0).max(10).default(2),
  /**
   * The embedded engine: a GGUF model run in-process (llama.cpp via node-llama-cpp) instead of
   * an upstream. A file path, `hf:owner/repo[:quant]` or an http(s) URL (downloaded once).
   */
  model: z
    .string()
    .min(1)
    // Checked here, before any download: node-llama-cpp would first ask the network.
    .refine((model) => !/^(?:hf|huggingface):/i.test(model) || huggingFaceUri.test(model), {
      error: 'expected hf:owner/repo[:quant] or hf:owner/repo/file.gguf',
    })
    .optional(),
  /** Tokens per sequence (prompt + reply). Default: the model's own, at most 32768. */
  ctxSize: z.number().int().min(64).optional(),
  /** CPU threads for generation. Default: half the logical cores, at least 1. */
  threads: z.number().int().min(1).max(1024).optional(),
  /**
   * Layers offloaded to the GPU: `auto` (as many as fit), `max`, or a count (0 = CPU only).
   * Default `auto`, applied by the engine, so a value here means someone set it.
   */
  gpuLayers: z
    .union([z.literal('auto'), z.literal('max'), z.number().int().min(0)], {
      error: 'expected a number of layers, auto or max',
    })
    .optional(),
  /**
   * llama.cpp's flash attention: `auto` (llama.cpp decides: on where supported), `on` or `off`.
   * Off trades memory for faster tokens and warm turns on a CPU (docs/embedded-engine.md).
   * Default `auto`.
   */
  flashAttention: z.enum(['auto', 'on', 'off']).optional(),
  /**
   * Tokens llama.cpp evaluates in one batch while reading a prompt. Default: 256 when the model
   * runs on the CPU only (as fast as 512 there, with half the scratch memory), else 512.
   */
  batchSize: z.number().int().min(1).max(65_536).optional(),
  /** Requests the embedded engine generates at once, each on its own sequence. Default 2. */
  parallel: z.number().int().min(1).max(64).optional(),
  /** A Jinja chat template (file or text) instead of the one inside the GGUF. */
  chatTemplate: z.string().min(1).optional(),
  /** Where downloaded models are kept. Default: $XDG_CACHE_HOME/ferry/models or ~/.cache/… */
  modelCacheDir: z.string().min(1).optional(),
});

export type FerryConfig = z.infer<typeof configSchema>;
export type FerryConfigInput = z.input<typeof configSchema>;
