import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/**
 * A fresh directory under the OS temp dir; removeTempDirs() (in afterAll) deletes it, so a test
 * run leaves nothing behind.
 */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ferry-${prefix}-`));
  made.push(dir);
  return dir;
}

/** Deletes every directory makeTempDir made in this test file's worker. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
