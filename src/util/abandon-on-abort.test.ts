import { expect, test } from 'vitest';
import { abandonOnAbort } from './abandon-on-abort.js';

test('the shared work settles for the caller that waits, whoever else left', async () => {
  let finish: (value: string) => void = () => undefined;
  const shared = new Promise<string>((resolve) => (finish = resolve));
  const leaving = new AbortController();
  const left = abandonOnAbort(shared, leaving.signal);
  const staying = abandonOnAbort(shared, new AbortController().signal);
  leaving.abort(new Error('client left'));
  await expect(left).rejects.toThrow('client left');
  finish('models');
  await expect(staying).resolves.toBe('models');
});

test.each([
  ['no signal', undefined, 'resolves'],
  ['a signal aborted already', AbortSignal.abort(new Error('gone')), 'rejects'],
])('%s', async (_name, signal, outcome) => {
  const result = abandonOnAbort(Promise.resolve('x'), signal);
  if (outcome === 'resolves') await expect(result).resolves.toBe('x');
  else await expect(result).rejects.toThrow('gone');
});
