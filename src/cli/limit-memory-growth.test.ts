import { expect, test } from 'vitest';
import { collectGarbage, v8FlagsGivenAtStart } from './limit-memory-growth.js';

test.each([
  { execArgv: [], nodeOptions: undefined, names: [] },
  { execArgv: ['--v8-pool-size=1'], nodeOptions: '', names: ['--v8-pool-size'] },
  {
    execArgv: ['--heap-growing-percent=100', '--import=./probe.mjs'],
    nodeOptions: undefined,
    names: ['--heap-growing-percent', '--import'],
  },
  {
    execArgv: [],
    nodeOptions: '  --max-semi-space-size=16   --max_old_space_size=512 ',
    names: ['--max-semi-space-size', '--max-old-space-size'],
  },
  { execArgv: ['--no-liftoff'], nodeOptions: undefined, names: ['--liftoff'] },
  // A value of NODE_OPTIONS's own options is not a flag.
  { execArgv: [], nodeOptions: '--require ./hook.js', names: ['--require'] },
])('$execArgv with NODE_OPTIONS $nodeOptions gives $names', ({ execArgv, nodeOptions, names }) => {
  expect([...v8FlagsGivenAtStart(execArgv, nodeOptions)].sort()).toEqual([...names].sort());
});

test('collectGarbage frees what nothing refers to, without exposing gc to other code', () => {
  let garbage: Buffer | undefined = Buffer.alloc(16 * 1024 * 1024);
  const before = process.memoryUsage().arrayBuffers;
  garbage = undefined;
  collectGarbage();
  expect(garbage).toBeUndefined();
  expect(before - process.memoryUsage().arrayBuffers).toBeGreaterThanOrEqual(16 * 1024 * 1024);
  expect('gc' in globalThis).toBe(false);
});
