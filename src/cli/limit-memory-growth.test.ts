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

test('collectGarbage frees what nothing refers to, without exposing gc to other code', async () => {
  // A WeakRef, not the process's ArrayBuffer total: V8 frees array buffers' memory on a
  // background thread, so that total may lag behind a collection that already happened.
  let garbage: object | undefined = { payload: new Array(1024).fill('x') };
  const ref = new WeakRef(garbage);
  garbage = undefined;
  // V8 keeps a WeakRef's target alive until the current job ends.
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  expect(ref.deref()).toBeUndefined();
  expect('gc' in globalThis).toBe(false);
});
