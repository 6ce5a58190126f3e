import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export type ScriptedReply =
  | { sse: string[]; interChunkDelayMs?: number; cutAfterChunks?: number; delayMs?: number }
  | { fixture: string; interChunkDelayMs?: number; cutAfterChunks?: number; delayMs?: number }
  | { status: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  | { hang: true };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  aborted: boolean;
}

export interface ScriptedUpstream {
  /** Base URL ending in /v1. */
  url: string;
  origin: string;
  script(replies: ScriptedReply[]): Promise<void>;
  requests(): Promise<RecordedRequest[]>;
  clearRequests(): Promise<void>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface ScriptedUpstreamOptions {
  flavor?: 'vllm' | 'llama-server';
  models?: string[];
  apiKey?: string;
  maxModelLen?: number;
}

const script = new URL('./scripted-upstream.mjs', import.meta.url).pathname;

/** Starts test/helpers/scripted-upstream.mjs as its own process on an ephemeral port. */
export async function startScriptedUpstream(
  options: ScriptedUpstreamOptions = {},
): Promise<ScriptedUpstream> {
  const args = [
    script,
    '--port',
    '0',
    '--flavor',
    options.flavor ?? 'vllm',
    '--models',
    (options.models ?? ['test-model']).join(','),
  ];
  if (options.apiKey !== undefined) args.push('--api-key', options.apiKey);
  if (options.maxModelLen !== undefined) args.push('--max-model-len', String(options.maxModelLen));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const port = await readyPort(child.stdout);
  const origin = `http://127.0.0.1:${port}`;
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(origin + path, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      signal: AbortSignal.timeout(5000),
    });
    return response.json();
  };
  return {
    url: `${origin}/v1`,
    origin,
    script: async (replies) => void (await control('POST', '/__control/script', replies)),
    requests: async () => (await control('GET', '/__control/requests')) as RecordedRequest[],
    clearRequests: async () => void (await control('DELETE', '/__control/requests')),
    reset: async () => void (await control('POST', '/__control/reset')),
    close: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function readyPort(stdout: NodeJS.ReadableStream): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: stdout });
    const timer = setTimeout(
      () => reject(new Error('scripted upstream did not start within 10 s')),
      10_000,
    );
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
}
