import { expect, test } from 'vitest';
import { normalizeUpstreamUrl } from './normalize-upstream-url.js';

const gpu = { apiBase: 'http://gpu:8000/v1', root: 'http://gpu:8000' };

test.each([
  ['http://gpu:8000', gpu],
  ['http://gpu:8000/', gpu],
  ['http://gpu:8000/v1', gpu],
  ['http://gpu:8000/v1/', gpu],
  ['https://proxy/llm/v1', { apiBase: 'https://proxy/llm/v1', root: 'https://proxy/llm' }],
  [
    'http://user:p%40ss%20word@gpu:8000/v1',
    { ...gpu, credentials: { username: 'user', password: 'p@ss word' } },
  ],
  ['http://:key@gpu:8000', { ...gpu, credentials: { username: '', password: 'key' } }],
  [
    'http://user:50%off@gpu:8000',
    { problem: 'the user:password@ in it is not valid percent-encoding (write % as %25)' },
  ],
  [
    'http://user:50%25off@gpu:8000',
    { ...gpu, credentials: { username: 'user', password: '50%off' } },
  ],
  ['gpu:8000', { problem: 'expected an http:// or https:// URL' }],
  ['not a url', { problem: 'expected an http:// or https:// URL' }],
  [
    'http://gpu:8000/v1/chat/completions',
    { problem: "expected the server's base URL (http://gpu:8000/v1), not an endpoint" },
  ],
])('%s', (input, expected) => {
  expect(normalizeUpstreamUrl(input)).toEqual(expected);
});
