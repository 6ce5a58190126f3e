import { expect, test } from 'vitest';
import { networkErrorCode } from './network-error-code.js';

test.each([
  {
    name: 'on the error',
    error: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    code: 'ECONNREFUSED',
  },
  {
    name: 'on the cause (fetch)',
    error: new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } }),
    code: 'ENOTFOUND',
  },
  { name: 'none', error: new Error('plain'), code: undefined },
  { name: 'not a string', error: { code: 42 }, code: undefined },
  { name: 'not an object', error: 'boom', code: undefined },
  { name: 'null', error: null, code: undefined },
])('$name', ({ error, code }) => {
  expect(networkErrorCode(error)).toBe(code);
});
