import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

export const claudeInstallHint =
  'Claude Code is not installed. Install it with `npm install -g @anthropic-ai/claude-code` ' +
  '(or set FERRY_CLAUDE_PATH to its executable), then run `ferry claude` again.';

/** What to tell the user when no Claude Code executable was found. */
export function claudeNotFound(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.FERRY_CLAUDE_PATH;
  if (explicit === undefined || explicit === '') return claudeInstallHint;
  return `FERRY_CLAUDE_PATH is ${explicit}, which is not an executable file; point it at Claude Code's executable, or unset it to use the one on PATH.`;
}

/**
 * The Claude Code executable: $FERRY_CLAUDE_PATH, `claude` on PATH, where Claude Code's own
 * installers put it (the native installer's ~/.local/bin, which a shell may not have on PATH
 * yet, and the older ~/.claude/local), or the npm package installed next to Ferry. Undefined
 * when none is there.
 */
export function findClaudeCode(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.FERRY_CLAUDE_PATH;
  if (explicit !== undefined && explicit !== '')
    return isExecutable(explicit) ? explicit : undefined;
  const home = env.HOME ?? '';
  const installed =
    home === '' ? [] : [join(home, '.local', 'bin'), join(home, '.claude', 'local')];
  for (const dir of [...(env.PATH ?? '').split(delimiter), ...installed]) {
    if (dir !== '' && isExecutable(join(dir, 'claude'))) return join(dir, 'claude');
  }
  return fromInstalledPackage();
}

function fromInstalledPackage(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve(
      '@anthropic-ai/claude-code/package.json',
    );
    const executable = join(dirname(manifest), 'bin', 'claude.exe');
    return isExecutable(executable) ? executable : undefined;
  } catch {
    return undefined;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
