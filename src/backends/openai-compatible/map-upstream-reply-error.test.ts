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
    name: 'overloaded: too many requests',
    json: { error: { message: 'Too Many Requests' } },
    type: 'overloaded_error',
    message: 'Upstream error: Too Many Requests',
  },
  {
    name: 'overloaded: no capacity',
    json: { error: { message: 'No capacity left for new sequences' } },
    type: 'overloaded_error',
    message: 'Upstream error: No capacity left for new sequences',
  },
  {
    name: 'too many tokens is the request, not a busy server',
    json: { error: { message: 'too many tokens in the stop sequences' } },
    type: 'api_error',
    message: 'Upstream error: too many tokens in the stop sequences',
  },
  {
    name: 'too many images is the request, not a busy server',
    json: { error: { message: 'too many images in the prompt' } },
    type: 'api_error',
    message: 'Upstream error: too many images in the prompt',
  },
  {
    name: "vLLM's context overflow inside the stream: Anthropic's prompt is too long, with the counts",
    json: {
      error: {
        message:
          "This model's maximum context length is 4096 tokens. However, your request has 5000 input tokens. Please reduce the length of the input messages.",
        type: 'BadRequestError',
        code: 400,
      },
    },
    type: 'invalid_request_error',
    message: 'prompt is too long: 5000 tokens > 4096 maximum',
  },
  {
    name: 'a context error whose prompt fits (max_tokens did not): no compaction asked for',
    json: {
      error: {
        message:
          "'max_tokens' or 'max_completion_tokens' is too large: 5000. This model's maximum context length is 4096 tokens and your request has 100 input tokens (5000 > 4096 - 100).",
        code: 400,
      },
    },
    type: 'api_error',
    message:
      "Upstream error: 'max_tokens' or 'max_completion_tokens' is too large: 5000. This model's maximum context length is 4096 tokens and your request has 100 input tokens (5000 > 4096 - 100).",
  },
  {
    name: "llama-server's context overflow, its counts in fields of their own",
    json: {
      error: {
        code: 400,
        message: 'the request exceeds the available context size, try increasing it',
        type: 'exceed_context_size_error',
        n_prompt_tokens: 5000,
        n_ctx: 4096,
      },
    },
    type: 'invalid_request_error',
    message: 'prompt is too long: 5000 tokens > 4096 maximum',
  },
  {
    name: "a context overflow without counts: the upstream's words",
    json: { error: 'context window exceeded' },
    type: 'invalid_request_error',
    message: 'prompt is too long: context window exceeded',
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
