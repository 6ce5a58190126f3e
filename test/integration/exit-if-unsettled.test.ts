import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';

// The built module (dist/, which the suite's globalSetup keeps fresh), in a process of its own:
// what it guards is how that process ends.
const module = new URL('../../dist/cli/exit-if-unsettled.js', import.meta.url).href;

function runWith(promise: string): { status: number | null; stderr: string } {
  const script = `import { exitIfUnsettled } from ${JSON.stringify(module)};\nexitIfUnsettled(${promise}, 'serve');`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 10_000,
  });
}

test('the event loop emptying while start-up still waits exits 1 with a message, not 0', () => {
  const result = runWith('new Promise(() => {})');
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('ferry: serve stopped before it finished');
});

test('a settled start-up leaves the exit status alone', () => {
  for (const promise of ['Promise.resolve(0)', 'Promise.reject(new Error("x")).catch(() => {})']) {
    const result = runWith(promise);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  }
});
