import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { makeTempDir, removeTempDirs } from '../../helpers/make-temp-dir.js';

const cli = fileURLToPath(new URL('../../../dist/bundle/main.js', import.meta.url));
const running = new Set<ChildProcess>();

export interface FerryProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  pid: number;
  /** Every line Ferry wrote to stderr and stdout, as written. */
  logs: string[];
  /** Resolves with the first log line (already written or still to come) that matches. */
  waitForLog(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Sends the signal and resolves with the exit code; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  /** The resident set size reported on /metrics, in bytes. */
  rssBytes(apiKey?: string): Promise<number>;
}

export interface FerryProcessOptions {
  /** Omitted for the embedded engine (`--model` in `args`). */
  upstream?: string;
  /** Extra `ferry serve` flags. */
  args?: string[];
  /** Settings written to a config file (JSON is YAML) and passed with --config. */
  config?: Record<string, unknown>;
  startTimeoutMs?: number;
}

/** `node dist/bundle/main.js serve … --port 0` (what bin/ferry runs), on an ephemeral port. */
export async function startFerryProcess(options: FerryProcessOptions): Promise<FerryProcess> {
  const args = [cli, 'serve', '--port', '0'];
  if (options.upstream !== undefined) args.push('--upstream', options.upstream);
  if (options.config !== undefined) {
    const file = join(makeTempDir('reliability'), 'ferry.yaml');
    writeFileSync(file, JSON.stringify(options.config));
    args.push('--config', file);
  }
  args.push(...(options.args ?? []));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const logs: string[] = [];
  const waiters = new Set<(line: string) => void>();
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      logs.push(line);
      for (const waiter of waiters) waiter(line);
    });
  }
  const waitForLog = (pattern: RegExp, timeoutMs: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const seen = logs.find((line) => pattern.test(line));
      if (seen !== undefined) return resolve(seen);
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no log line matching ${pattern} within ${timeoutMs} ms:\n${tail(logs)}`));
      }, timeoutMs);
      const check = (line: string): void => {
        if (!pattern.test(line)) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(line);
      };
      waiters.add(check);
    });

  let url: string;
  try {
    const line = await Promise.race([
      waitForLog(/Ferry listening on/, options.startTimeoutMs ?? 15_000),
      new Promise<never>((_resolve, reject) =>
        child.once('exit', (code) =>
          reject(new Error(`ferry exited (${code}) before listening:\n${tail(logs)}`)),
        ),
      ),
    ]);
    url = (JSON.parse(line) as { url: string }).url;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const port = Number(new URL(url).port);
  return {
    url,
    port,
    pid: child.pid ?? -1,
    logs,
    waitForLog,
    stop: (signal = 'SIGTERM', timeoutMs = 15_000) => stopChild(child, signal, timeoutMs),
    rssBytes: async (apiKey) => {
      const response = await fetch(`${url}/metrics`, {
        headers: apiKey === undefined ? {} : { 'x-api-key': apiKey },
        signal: AbortSignal.timeout(5000),
      });
      const match = /^ferry_process_resident_memory_bytes (\d+)/m.exec(
        await response.text(),
      );
      if (match?.[1] === undefined) throw new Error('no resident memory figure on /metrics');
      return Number(match[1]);
    },
  };
}

/** For afterAll: every Ferry this worker started, stopped hard, and the test file's temp dirs removed. */
export function killAllFerries(): void {
  for (const child of running) child.kill('SIGKILL');
  removeTempDirs();
}
process.once('exit', killAllFerries);

async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

function tail(logs: readonly string[]): string {
  return logs.slice(-20).join('\n');
}
