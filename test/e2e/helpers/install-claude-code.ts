import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The newest release when last checked (2026-12-03). The captured fixtures
 * (/work/shared/fixtures/claude-code-2.1.328) come from 2.1.328, which sends the same fields.
 */
export const claudeCodeVersion = '2.1.332';
const packageSpec = `@anthropic-ai/claude-code@${claudeCodeVersion}`;

/**
 * The cache directory: `$FERRY_TEST_CACHE/claude-code-<version>`, by default under
 * `~/.cache/ferry-test`. CI may keep it between runs; nothing relies on it being there.
 */
export function claudeCodeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.FERRY_TEST_CACHE ?? join(homedir(), '.cache', 'ferry-test');
  return join(root, `claude-code-${claudeCodeVersion}`);
}

let installing: Promise<string> | undefined;

/**
 * The path of a working Claude Code executable of the pinned version, installed from npm into
 * the cache on first use. Throws (so the e2e tests fail, never skip) when it cannot be had.
 */
export function installClaudeCode(): Promise<string> {
  installing ??= findOrInstall(claudeCodeCacheDir());
  return installing;
}

async function findOrInstall(cacheDir: string): Promise<string> {
  const cached = await workingExecutable(cacheDir);
  if (cached !== undefined) return cached;
  rmSync(cacheDir, { recursive: true, force: true }); // a broken copy is never reused
  // Install beside the cache and rename into place: a half-finished install (killed run, full
  // disk) never looks like a cache, and two test workers racing both end up with one copy.
  const staging = `${cacheDir}.partial-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  try {
    await npmInstall(staging);
    if ((await workingExecutable(staging)) === undefined)
      throw new Error(`npm installed ${packageSpec} but no executable answers --version`);
    moveIntoPlace(staging, cacheDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const installed = await workingExecutable(cacheDir);
  if (installed === undefined) throw new Error(`${cacheDir} holds no working Claude Code`);
  return installed;
}

async function npmInstall(prefix: string): Promise<void> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  try {
    await run(npm, ['install', '--prefix', prefix, packageSpec, '--no-audit', '--no-fund'], {
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stderr = '', message } = error as { stderr?: string; message: string };
    throw new Error(
      `The end-to-end tests need the real Claude Code CLI and could not install it ` +
        `(npm install ${packageSpec}; network access to the npm registry is required):\n` +
        `${stderr.trim() || message}`,
    );
  }
}

function moveIntoPlace(staging: string, cacheDir: string): void {
  mkdirSync(dirname(cacheDir), { recursive: true });
  try {
    renameSync(staging, cacheDir);
  } catch (error) {
    // Another worker finished first; its copy is as good as ours.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
  }
}

/**
 * The first candidate that prints the pinned version. npm's `bin/claude.exe` is the native
 * binary once the package's postinstall ran; when scripts are skipped (`--ignore-scripts`, or
 * npm's allowScripts) it stays a stub, and the platform package's own binary works.
 */
async function workingExecutable(prefix: string): Promise<string | undefined> {
  for (const candidate of candidates(prefix)) {
    try {
      const { stdout } = await run(candidate, ['--version'], { timeout: 30_000 });
      if (stdout.includes(claudeCodeVersion)) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

function candidates(prefix: string): string[] {
  const scope = join(prefix, 'node_modules', '@anthropic-ai');
  if (!existsSync(scope)) return [];
  const platformBinaries = readdirSync(scope)
    .filter((name) => name.startsWith('claude-code-'))
    .map((name) => join(scope, name, 'claude'));
  return [join(prefix, 'node_modules', '.bin', 'claude'), ...platformBinaries].filter((file) =>
    existsSync(file),
  );
}
