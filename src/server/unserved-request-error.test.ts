import { expect, test } from 'vitest';
import { unservedRequestError } from './unserved-request-error.js';

const requestId = 'req_test';

test.each([
  ['GET', '/v1/messages', 405, 'invalid_request_error', 'POST'],
  ['PUT', '/v1/messages', 405, 'invalid_request_error', 'POST'],
  ['OPTIONS', '/v1/messages', 405, 'invalid_request_error', 'POST'],
  ['GET', '/v1/messages/count_tokens', 405, 'invalid_request_error', 'POST'],
  ['POST', '/v1/models', 405, 'invalid_request_error', 'GET, HEAD'],
  ['DELETE', '/v1/models/qwen/qwen3-coder', 405, 'invalid_request_error', 'GET, HEAD'],
  ['POST', '/metrics', 405, 'invalid_request_error', 'GET, HEAD'],
  ['POST', '/health', 405, 'invalid_request_error', 'GET, HEAD'],
  ['GET', '/v2/nothing', 404, 'not_found_error', undefined],
  ['POST', '/v1/messages/batches', 404, 'not_found_error', undefined],
])('%s %s → %i %s, Allow: %s', (method, path, status, type, allow) => {
  const error = unservedRequestError({ method, path, origin: undefined, requestId });
  expect(error).toMatchObject({ status, type, requestId });
  expect(error.headers.allow).toBe(allow);
});

test.each([
  ['/v1/messages/batches', 'the Message Batches API'],
  ['/v1/files/file_1', 'the Files API'],
  ['/v1/complete', 'the legacy Text Completions API'],
])('a 404 for %s names %s', (path, api) => {
  const error = unservedRequestError({ method: 'POST', path, origin: undefined, requestId });
  expect(error.message).toContain(`does not implement ${api}`);
});

test("a browser's preflight, with no origin allowed, is a 403 saying how to allow it", () => {
  const origin = 'http://localhost:5173';
  const error = unservedRequestError({
    method: 'OPTIONS',
    path: '/v1/messages',
    origin,
    requestId,
  });
  expect(error).toMatchObject({ status: 403, type: 'permission_error' });
  expect(error.message).toContain(`--cors-origin ${origin}`);
});
