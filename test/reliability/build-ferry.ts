import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const entry = join(root, 'dist/bundle/main.js');

/**
 * vitest globalSetup: the reliability suite runs the built CLI (`dist/bundle/`, what `bin/ferry`
 * loads) as a real process, as users do. `npm install` builds it (the prepare script); this
 * rebuilds it once per run when a source file or the bundle's config is newer, so the suite never
 * tests stale code.
 * Type errors are the typecheck's business: tsc still emits, and the suite runs what it emitted.
 */
export default async function setup(): Promise<void> {
  const bundleConfig = statSync(join(root, 'rolldown.config.mjs')).mtimeMs;
  if (builtAt() >= Math.max(newestSource(join(root, 'src')), bundleConfig)) return;
  const run = promisify(execFile);
  const options = { cwd: root, timeout: 120_000 };
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], options).catch(
    (error: unknown) => {
      if (builtAt() === 0) throw error;
    },
  );
  const rolldown = join(root, 'node_modules/rolldown/bin/cli.mjs');
  await run(process.execPath, [rolldown, '-c', 'rolldown.config.mjs'], options);
}

function builtAt(): number {
  try {
    return statSync(entry).mtimeMs;
  } catch {
    return 0;
  }
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    if (item.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (item.name.endsWith('.ts') && !item.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}
