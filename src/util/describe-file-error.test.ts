import { expect, test } from 'vitest';
import { describeFileError } from './describe-file-error.js';

const failure = (code?: string) => Object.assign(new Error(`${code}: raw`), { code });

test.each([
  [failure('ENOENT'), 'no such file'],
  [failure('EACCES'), 'permission denied'],
  [failure('EPERM'), 'permission denied'],
  [failure('EISDIR'), 'is a directory'],
  [failure('EMFILE'), 'EMFILE'],
  [new Error('odd'), 'odd'],
  ['text', 'text'],
])('%s → %s', (error, words) => {
  expect(describeFileError(error)).toBe(words);
});
