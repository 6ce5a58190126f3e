import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import { backendIdentity } from './backend-identity.js';

test.each([
  // Two ways of writing the same source: the same identity.
  [{ upstream: 'http://gpu:8001/v1' }, { upstream: 'http://gpu:8001' }],
  [{ upstream: 'http://gpu:8001/v1/' }, { upstream: 'http://user:secret@gpu:8001/v1' }],
  [{ model: 'models/m.gguf' }, { model: resolve('models/m.gguf') }],
  [{}, { model: 'hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q4_K_M' }],
])('%j and %j are the same backend', (a, b) => {
  expect(backendIdentity(a)).toBe(backendIdentity(b));
});

test.each([
  [{ upstream: 'http://gpu:8001/v1' }, { upstream: 'http://gpu:8002/v1' }],
  [{ upstream: 'http://gpu:8001/v1' }, { upstream: 'https://gpu:8001/v1' }],
  [{ model: 'a.gguf' }, { model: 'b.gguf' }],
  [{ model: 'hf:owner/repo:Q4_K_M' }, { model: 'hf:owner/repo:Q8_0' }],
  [{}, { model: 'a.gguf' }],
])('%j and %j are different backends', (a, b) => {
  expect(backendIdentity(a)).not.toBe(backendIdentity(b));
});

test('the identity shows no credentials and is short', () => {
  const id = backendIdentity({ upstream: 'http://user:secret@gpu:8001/v1' });
  expect(id).toMatch(/^[0-9a-f]{16}$/);
});
