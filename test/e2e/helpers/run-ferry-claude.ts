import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { makeTempDir } from '../../helpers/make-temp-dir.js';
import { spawnCollecting, type Collected, type StreamEvent } from './run-claude-code.js';

// `bin/ferry claude` for real: the built CLI (dist/, as `npm install` leaves it).
const ferryBin = new URL('../../../bin/ferry', import.meta.url).pathname;

/** Claude Code's print mode with events on stdout, allowed to write files. */
export const printArgs = ['--output-format', 'stream-json', '--verbose', '--allowedTools', 'Write'];

export interface Sandbox {
  home: string;
  cwd: string;
  /** PATH with node and the system tools, and no `claude`. */
  path: string;
}

/** A fresh HOME and project directory, and a PATH without developer tools. */
export function sandbox(): Sandbox {
  return {
    home: makeTempDir('home'),
    cwd: makeTempDir('project'),
    path: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
  };
}

/** Runs `ferry claude ARGS` with only the environment given (no developer settings leak in). */
export async function runFerryClaude(
  box: Sandbox,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<Collected & { events: StreamEvent[] }> {
  const run = await spawnCollecting(process.execPath, [ferryBin, 'claude', ...args], {
    cwd: box.cwd,
    env: { PATH: box.path, HOME: box.home, TMPDIR: tmpdir(), DISABLE_AUTOUPDATER: '1', ...env },
    timeoutMs,
  });
  const events = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as StreamEvent);
  return { ...run, events };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
