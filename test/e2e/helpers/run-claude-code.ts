import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { makeTempDir } from '../../helpers/make-temp-dir.js';

export interface ClaudeCodeRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout's JSON lines (stream-json); empty for the text format. */
  events: StreamEvent[];
  /** The fresh HOME it ran with (its ~/.claude holds the session transcript). */
  home: string;
  /** The project directory it ran in. */
  cwd: string;
}

/** One stream-json line; only the fields the tests read are typed. */
export interface StreamEvent {
  type: string;
  subtype?: string;
  message?: { role?: string; model?: string; content?: ContentBlock[] | string };
  result?: string;
  is_error?: boolean;
  usage?: { input_tokens?: number; output_tokens?: number };
  compact_metadata?: { trigger?: string; pre_tokens?: number };
  [key: string]: unknown;
}

export interface ContentBlock {
  type: string;
  text?: string;
  thinking?: string;
  signature?: string;
  id?: string;
  name?: string;
  input?: Record<string, unknown>;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
}

export interface RunClaudeCodeOptions {
  executable: string;
  /** Ferry's URL, given to Claude Code as ANTHROPIC_BASE_URL. */
  baseUrl: string;
  prompt: string;
  /** Extra CLI arguments (e.g. `--model haiku`). */
  args?: string[];
  /** Extra environment (model variables); `undefined` removes a default. */
  env?: Record<string, string | undefined>;
  /** `stream-json` (the default, with --verbose) or `text`. */
  format?: 'stream-json' | 'text';
  /** HOME; a fresh temp dir by default (reuse one to `--continue` a session). */
  home?: string;
  /** The project directory; a fresh temp dir by default. */
  cwd?: string;
  /** Kill the CLI after this long (default 60 s). */
  timeoutMs?: number;
  /** `--allowedTools` (default: `allowedTools`). */
  allowedTools?: string;
}

/** Tools the scenarios use; as root Claude Code refuses --dangerously-skip-permissions. */
export const allowedTools = 'Write Bash Read Edit';

/**
 * Runs the real Claude Code CLI once in print mode against Ferry, with a fresh HOME so no user
 * configuration, credentials or earlier sessions leak in.
 */
export function runClaudeCode(options: RunClaudeCodeOptions): Promise<ClaudeCodeRun> {
  const home = options.home ?? makeTempDir('home');
  const cwd = options.cwd ?? makeTempDir('project');
  const format = options.format ?? 'stream-json';
  const args = [
    '-p',
    options.prompt,
    '--output-format',
    format,
    ...(format === 'stream-json' ? ['--verbose'] : []),
    '--allowedTools',
    options.allowedTools ?? allowedTools,
    ...(options.args ?? []),
  ];
  return spawnCollecting(options.executable, args, {
    cwd,
    env: claudeCodeEnvironment(home, options.baseUrl, options.env),
    timeoutMs: options.timeoutMs ?? 60_000,
  }).then(({ code, stdout, stderr }) => ({
    code,
    stdout,
    stderr,
    events: format === 'stream-json' ? parseEvents(stdout) : [],
    home,
    cwd,
  }));
}

/** Only what the CLI needs: no ANTHROPIC_* or CLAUDE_* from the developer's shell. */
export function claudeCodeEnvironment(
  home: string,
  baseUrl: string,
  extra: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    TMPDIR: tmpdir(),
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: 'e2e-dummy-key',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    ...extra,
  };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  return env;
}

export interface Collected {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns a process with stdin closed, collects its output, SIGKILLs it at the deadline. */
export function spawnCollecting(
  executable: string,
  args: readonly string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Collected> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) {
        reject(
          new Error(
            `${executable} did not finish within ${options.timeoutMs} ms\n` +
              `stdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-2000)}`,
          ),
        );
      } else resolve({ code, stdout, stderr });
    });
  });
}

function parseEvents(stdout: string): StreamEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as StreamEvent);
}
