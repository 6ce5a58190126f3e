import { expect, test } from 'vitest';
import { findEndpointBaseUrl } from './find-endpoint-base-url.js';

test.each([
  ['http://gpu:8001/v1/chat/completions', 'http://gpu:8001/v1'],
  ['http://gpu:8001/v1/chat/completions/', 'http://gpu:8001/v1'],
  ['http://gpu:8001/v1/completions', 'http://gpu:8001/v1'],
  ['http://gpu:8001/v1/models', 'http://gpu:8001/v1'],
  ['https://user:secret@proxy/llm/v1/chat/completions?x=1', 'https://proxy/llm/v1'],
  ['http://gpu:8001/chat/completions', 'http://gpu:8001/v1'],
  ['http://gpu:8001/v1', undefined],
  ['http://gpu:8001/', undefined],
  ['http://gpu:8001/models-proxy/v1', undefined],
  ['not a url', undefined],
])('%s → %s', (input, base) => {
  expect(findEndpointBaseUrl(input)).toBe(base);
});
