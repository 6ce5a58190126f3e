import { expect, test } from 'vitest';
import { mapUpstreamError } from './map-upstream-error.js';

test.each([
  {
    name: 'vLLM: images to a text-only model',
    status: 400,
    body: JSON.stringify({
      object: 'error',
      message: 'qwen3-coder is not a multimodal model',
      type: 'BadRequestError',
      param: null,
      code: 400,
    }),
    expected: {
      type: 'invalid_request_error',
      status: 400,
      message:
        'Could not process image: the upstream model does not accept images (qwen3-coder is not a multimodal model)',
    },
  },
  {
    name: 'llama-server without an mmproj: images refused with a 500',
    status: 500,
    body: JSON.stringify({
      error: {
        code: 500,
        message:
          'image input is not supported - hint: if this is unexpected, you may need to provide the mmproj',
        type: 'server_error',
      },
    }),
    expected: {
      type: 'invalid_request_error',
      status: 400,
      message: expect.stringMatching(/^Could not process image: .*image input is not supported/),
    },
  },
  {
    name: 'vLLM context length (older wording)',
    status: 400,
    body: JSON.stringify({
      object: 'error',
      message:
        "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4990 in the messages, 10 in the completion). Please reduce the length of the messages or completion.",
      type: 'BadRequestError',
      param: null,
      code: 400,
    }),
    maxTokens: 10,
    expected: {
      type: 'invalid_request_error',
      status: 400,
      message: 'prompt is too long: 4990 tokens > 4096 maximum',
    },
  },
  {
    name: 'vLLM decoder prompt longer than the model',
    status: 400,
    body: JSON.stringify({
      error: {
        message:
          'The decoder prompt (length 9000) is longer than the maximum model length of 8192. Make sure that `max_model_len` is no smaller than the number of text tokens.',
        type: 'BadRequestError',
        code: 400,
      },
    }),
    maxTokens: 100,
    expected: {
      type: 'invalid_request_error',
      status: 400,
      message: 'prompt is too long: 9000 tokens > 8192 maximum',
    },
  },
  {
    name: 'llama-server context size',
    status: 400,
    body: JSON.stringify({
      error: {
        code: 400,
        message: 'the request exceeds the available context size, try increasing it',
        type: 'exceed_context_size_error',
        n_prompt_tokens: 5000,
        n_ctx: 4096,
      },
    }),
    maxTokens: 100,
    expected: {
      type: 'invalid_request_error',
      status: 400,
      message: 'prompt is too long: 5000 tokens > 4096 maximum',
    },
  },
  {
    name: '429 with retry-after passed through',
    status: 429,
    body: JSON.stringify({ error: { message: 'slow down' } }),
    headers: { 'retry-after': '7' },
    expected: {
      type: 'rate_limit_error',
      status: 429,
      message: 'Upstream error (HTTP 429): slow down',
      headers: { 'retry-after': '7' },
    },
  },
  {
    name: '503 is overloaded',
    status: 503,
    body: 'Service Unavailable',
    expected: {
      type: 'overloaded_error',
      status: 529,
      message: 'Upstream overloaded (HTTP 503): Service Unavailable',
    },
  },
  {
    name: 'an HTML page never reaches the client',
    status: 502,
    body: '<html><body><h1>502 Bad Gateway</h1><pre>nginx internal /etc/secret</pre></body></html>',
    expected: {
      type: 'api_error',
      status: 500,
      message: 'Upstream error (HTTP 502): the upstream answered with an HTML page',
    },
  },
  {
    name: 'upstream 401 is Ferry’s configuration problem, not the client’s',
    status: 401,
    body: JSON.stringify({ error: 'Unauthorized' }),
    expected: {
      type: 'api_error',
      status: 500,
      message: "The upstream rejected Ferry's credentials (HTTP 401); check --upstream-api-key",
    },
  },
  {
    name: 'FastAPI validation detail',
    status: 422,
    body: JSON.stringify({
      detail: [{ loc: ['body', 'messages'], msg: 'field required', type: 'value_error.missing' }],
    }),
    expected: {
      type: 'invalid_request_error',
      status: 400,
      message: 'Upstream error (HTTP 422): field required',
    },
  },
])('$name', ({ status, body, headers, maxTokens, expected }) => {
  const { error, retryWithMaxTokens } = mapUpstreamError(status, body, headers ?? {}, maxTokens);
  expect(retryWithMaxTokens).toBeUndefined();
  expect({
    type: error.type,
    status: error.status,
    message: error.message,
    ...(headers ? { headers: error.headers } : {}),
  }).toEqual(expected);
});

test('a max_tokens that does not fit beside the prompt is retried with the room left (vLLM)', () => {
  const body = JSON.stringify({
    error: {
      message:
        "'max_tokens' or 'max_completion_tokens' is too large: 32000. This model's maximum context length is 32768 tokens and your request has 1200 input tokens (32000 > 32768 - 1200).",
      type: 'BadRequestError',
      code: 400,
    },
  });
  expect(mapUpstreamError(400, body, {}, 32000).retryWithMaxTokens).toBe(31568);
});
