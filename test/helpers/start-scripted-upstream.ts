import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Pacing and failure options any reply may carry (see test/helpers/scripted-upstream.mjs). */
export interface ReplyTiming {
  /** Wait this long before sending the status line. */
  delayMs?: number;
  /** Wait this long between SSE pieces. */
  interChunkDelayMs?: number;
  /** End the TCP connection after this many pieces: no finish chunk, no [DONE]. */
  cutAfterChunks?: number;
  /** End the TCP connection after the last piece (no chunked terminator). */
  cutAtEnd?: boolean;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

export interface ScriptedToolCall {
  /** Defaults to an id in the engine's own format. */
  id?: string;
  name: string;
  /** A string is sent as is (invalid JSON included); anything else is JSON.stringify'd. */
  arguments: unknown;
}

/** A stream generated in the engine's shape from what the model "said". */
export interface GeneratedReply extends ReplyTiming {
  text?: string;
  reasoning?: string;
  toolCalls?: ScriptedToolCall[];
  flavor?: 'vllm' | 'llama-server';
  /** Defaults to tool_calls when there are calls, else stop. */
  finishReason?: string;
  /** Code points per content/reasoning delta (default 4). */
  chunkSize?: number;
  /** Characters per tool-argument delta (default 8). */
  argsChunkSize?: number;
  /** Each call in one delta: id, name and all arguments. */
  wholeCalls?: boolean;
  /** Synthetic: the calls' deltas alternate 0,1,0,1 (ids only on each call's first). */
  interleave?: boolean;
  /** vLLM: the last argument piece rides on the finish_reason chunk. */
  argsWithFinish?: boolean;
  /** vLLM ≤ v0.11.0 used reasoning_content; current vLLM sends reasoning (the default). */
  reasoningField?: 'reasoning' | 'reasoning_content';
  /** llama-server before #15444: usage and timings inside the finish chunk. */
  llamaLegacyUsage?: boolean;
  /** vLLM ≤ v0.10.1: no token_ids / prompt_token_ids nulls. */
  vllmLegacy?: boolean;
  /** Defaults to the request's stream_options.include_usage. */
  includeUsage?: boolean;
  usage?: { prompt?: number; completion?: number; cached?: number };
  model?: string;
}

export type ScriptedReply =
  | (ReplyTiming & { sse: string[]; flavor?: 'vllm' | 'llama-server' })
  | (ReplyTiming & { fixture: string; flavor?: 'vllm' | 'llama-server' })
  | (Omit<ReplyTiming, 'interChunkDelayMs' | 'cutAfterChunks' | 'cutAtEnd'> & {
      status: number;
      body?: string | Record<string, unknown> | unknown[];
    })
  | (GeneratedReply & ({ text: string } | { toolCalls: ScriptedToolCall[] }))
  | { hang: true }
  /** Ends the connection without an answer (an idle keep-alive connection closed as it was used). */
  | { drop: true }
  /**
   * For the next tokenizer call (/tokenize, llama-server's /apply-template), not a chat; with
   * `status`, that answer instead of the engine's.
   */
  | (EndpointReply & { endpoint: 'tokenize' })
  /** For the next GET /v1/models, not a chat. */
  | (EndpointReply & { endpoint: 'models' });

interface EndpointReply {
  hang?: true;
  delayMs?: number;
  status?: number;
  body?: string | Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body ({} when empty; the raw text when it was not JSON). */
  body: unknown;
  receivedAt: number;
  /** The client went away before the reply ended. */
  aborted: boolean;
  /** The script ended the connection (cutAfterChunks). */
  cut: boolean;
  /** The reply was written to the end. */
  completed: boolean;
}

export interface UpstreamStats {
  received: number;
  completed: number;
  aborted: number;
  cut: number;
  inFlight: number;
  queued: number;
}

export interface ScriptedUpstream {
  /** Base URL ending in /v1, for an OpenAI client's baseURL. */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  script(replies: ScriptedReply | ScriptedReply[]): Promise<void>;
  requests(): Promise<RecordedRequest[]>;
  /** The bodies of the chat completion requests received, in order, typed as the caller reads them. */
  chatBodies<T>(): Promise<T[]>;
  clearRequests(): Promise<void>;
  /** The models served from now on, as by an engine restarted with others. */
  serveModels(models: string[]): Promise<void>;
  stats(): Promise<UpstreamStats>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface ScriptedUpstreamOptions {
  flavor?: 'vllm' | 'llama-server';
  models?: string[];
  apiKey?: string;
  maxModelLen?: number;
  /** Text of the reply when nothing is scripted (default: echoes the last user message). */
  defaultReply?: string;
  /** The default reply has exactly this many content deltas. */
  tokens?: number;
  tokenDelayMs?: number;
  /** Requests kept for requests() (default 10000; 0 keeps none, counters still count). */
  maxLog?: number;
  /** vLLM: 404 for a model it does not serve. */
  strictModels?: boolean;
  /** vLLM: `owned_by` in /v1/models (default 'vllm'); 'sglang' stands in for SGLang. */
  ownedBy?: string;
  /** Deadline for the ready line (default 10 s). */
  startTimeoutMs?: number;
}

const scriptPath = fileURLToPath(new URL('./scripted-upstream.mjs', import.meta.url));
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** Starts test/helpers/scripted-upstream.mjs as its own process on an ephemeral port. */
export async function startScriptedUpstream(
  options: ScriptedUpstreamOptions = {},
): Promise<ScriptedUpstream> {
  const args = [
    scriptPath,
    '--port',
    '0',
    '--flavor',
    options.flavor ?? 'vllm',
    '--models',
    (options.models ?? ['test-model']).join(','),
    // The child exits when this process's end of its stdin closes, even after a SIGKILL here.
    '--exit-with-stdin',
  ];
  if (options.apiKey !== undefined) args.push('--api-key', options.apiKey);
  if (options.maxModelLen !== undefined) args.push('--max-model-len', String(options.maxModelLen));
  if (options.defaultReply !== undefined) args.push('--default-reply', options.defaultReply);
  if (options.tokens !== undefined) args.push('--tokens', String(options.tokens));
  if (options.tokenDelayMs !== undefined)
    args.push('--token-delay-ms', String(options.tokenDelayMs));
  if (options.maxLog !== undefined) args.push('--max-log', String(options.maxLog));
  if (options.strictModels === true) args.push('--strict-models');
  if (options.ownedBy !== undefined) args.push('--owned-by', options.ownedBy);

  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  running.add(child);
  killAllOnExit();
  child.once('exit', () => running.delete(child));

  let port: number;
  try {
    port = await readyPort(child, options.startTimeoutMs ?? 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const origin = `http://127.0.0.1:${port}`;
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(origin + path, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
    return response.json();
  };
  const requests = async (): Promise<RecordedRequest[]> =>
    (await control('GET', '/__control/requests')) as RecordedRequest[];
  return {
    url: `${origin}/v1`,
    origin,
    port,
    script: async (replies) => void (await control('POST', '/__control/script', replies)),
    requests,
    chatBodies: async <T>() =>
      (await requests())
        .filter((request) => request.path.endsWith('/chat/completions'))
        .map((request) => request.body as T),
    clearRequests: async () => void (await control('DELETE', '/__control/requests')),
    serveModels: async (models) => void (await control('POST', '/__control/models', models)),
    stats: async () => (await control('GET', '/__control/stats')) as UpstreamStats,
    reset: async () => void (await control('POST', '/__control/reset')),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function readyPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    if (child.stdout === null) return reject(new Error('scripted upstream has no stdout'));
    const lines = createInterface({ input: child.stdout });
    const fail = (error: Error): void => {
      clearTimeout(timer);
      lines.close();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`scripted upstream did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once('exit', (code) => fail(new Error(`scripted upstream exited early (${code})`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch {
        reject(new Error(`scripted upstream printed ${line}`));
      }
    });
  });
}
