import { expect, test } from 'vitest';
import { mapUpstreamReplyError, replyError } from './map-upstream-reply-error.js';

test.each([
  {
    name: 'vLLM ≥ 0.10 in-stream error (json.dumps, with code)',
    json: { error: { message: 'Internal server error', type: 'InternalServerError', code: 500 } },
    type: 'api_error',
    message: 'Upstream error: Internal server error',
  },
  {
    name: 'an error object without code or type',
    json: { error: { message: 'model crashed' } },
    type: 'api_error',
    message: 'Upstream error: model crashed',
  },
  {
    name: "TGI's string form",
    json: { error: 'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096' },
    type: 'api_error',
    message:
      'Upstream error: Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096',
  },
  {
    name: 'vLLM ≤ 0.9 flat error',
    json: { object: 'error', message: 'boom', type: 'BadRequestError', code: 400 },
    type: 'api_error',
    message: 'Upstream error: boom',
  },
  {
    name: 'overloaded by its words',
    json: { error: { message: 'Server is overloaded, try again' } },
    type: 'overloaded_error',
    message: 'Upstream error: Server is overloaded, try again',
  },
  {
    name: 'overloaded by its code',
    json: { error: { message: 'unavailable', code: 503 } },
    type: 'overloaded_error',
    message: 'Upstream error: unavailable',
  },
  {
    name: 'rate limited by its code (a string, as some proxies send)',
    json: { error: { message: 'slow down', code: '429' } },
    type: 'rate_limit_error',
    message: 'Upstream error: slow down',
  },
  {
    name: 'an error with no words',
    json: { error: {} },
    type: 'api_error',
    message: 'Upstream error: unknown error',
  },
  {
    name: 'a traceback in the message',
    json: {
      error: {
        message: 'Traceback (most recent call last):\n  File "/x.py", line 1\nOSError: gone',
      },
    },
    type: 'api_error',
    message: 'Upstream error: OSError: gone',
  },
])('$name', ({ json, type, message }) => {
  const error = mapUpstreamReplyError(replyError(json));
  expect({ type: error.type, message: error.message }).toEqual({ type, message });
});

test('text a client may not see stays in the cause, for the log', () => {
  const text = 'Traceback (most recent call last):\n  File "/x.py", line 1\nOSError: gone';
  const error = mapUpstreamReplyError({ message: text });
  expect((error.cause as Error).message).toBe(text);
  expect(mapUpstreamReplyError({ message: 'plain' }).cause).toBeUndefined();
});

test.each([
  [{ choices: [] }, undefined],
  [{ error: null, choices: [] }, undefined],
  ['text', undefined],
  [{ error: 'x' }, 'x'],
])('replyError(%j) is %j', (json, error) => {
  expect(replyError(json)).toEqual(error);
});
