import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { mapUpstreamError } from './map-upstream-error.js';

/** A recorded answer of test/fixtures/upstream/responses/. */
function recorded(name: string): { status: number; body: string } {
  const url = new URL(`../../../test/fixtures/upstream/responses/${name}`, import.meta.url);
  const { status, body } = JSON.parse(readFileSync(url, 'utf8')) as {
    status: number;
    body: string;
  };
  return { status, body };
}

/** vLLM's error body: `ErrorResponse(error=ErrorInfo(message, type, param, code))`. */
const vllmError = (message: string, param: string | null = null) =>
  JSON.stringify({ error: { message, type: 'BadRequestError', param, code: 400 } });

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
    name: 'vLLM renderer: the prompt alone is longer than the context (recorded)',
    ...recorded('vllm-context-length-current.json'),
    maxTokens: 1000,
    expected: {
      type: 'invalid_request_error',
      status: 400,
      message: 'prompt is too long: 40000 tokens > 32768 maximum',
    },
  },
  {
    name: 'vLLM renderer: asked for no output, the prompt one past the context',
    status: 400,
    body: vllmError(
      "You passed 65537 input tokens and requested 0 output tokens. However, the model's context length is only 65536 tokens, resulting in a maximum input length of 65536 tokens. Please reduce the length of the input prompt. (parameter=input_tokens, value=65537)",
      'input_tokens',
    ),
    expected: {
      type: 'invalid_request_error',
      status: 400,
      message: 'prompt is too long: 65537 tokens > 65536 maximum',
    },
  },
  {
    name: 'vLLM, newest wording: "your prompt contains at least N input tokens"',
    status: 400,
    body: vllmError(
      "This model's maximum context length is 65536 tokens. However, you requested 0 output tokens and your prompt contains at least 65537 input tokens, for a total of at least 65537 tokens. Please reduce the length of the input prompt or the number of requested output tokens. (parameter=input_tokens, value=65537)",
      'input_tokens',
    ),
    expected: {
      type: 'invalid_request_error',
      status: 400,
      message: 'prompt is too long: 65537 tokens > 65536 maximum',
    },
  },
  {
    name: 'SGLang: the input is longer than the context',
    status: 400,
    body: vllmError(
      "The input (40000 tokens) is longer than the model's context length (32768 tokens).",
    ),
    maxTokens: 1000,
    expected: {
      type: 'invalid_request_error',
      status: 400,
      message: 'prompt is too long: 40000 tokens > 32768 maximum',
    },
  },
  {
    // The prompt alone does not fit: a retry with less output would be refused the same way.
    name: 'LM Studio: the first N tokens do not fit in the loaded context (lmstudio-bug-tracker)',
    status: 400,
    body: JSON.stringify({
      error:
        'Trying to keep the first 5000 tokens when context the overflows. However, the model is loaded with context length of only 4096 tokens, which is not enough. Try to load the model with a larger context length, or provide a shorter input',
    }),
    maxTokens: 32000,
    expected: {
      type: 'invalid_request_error',
      status: 400,
      message: 'prompt is too long: 5000 tokens > 4096 maximum',
    },
  },
  {
    name: 'Ollama: the prompt is longer than the context, no numbers',
    status: 400,
    body: JSON.stringify({
      error: {
        message:
          'the prompt is longer than the context length currently available to the model; shorten the prompt, adjust the context length in settings, or use a model with a longer context length',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    }),
    maxTokens: 32000,
    expected: {
      type: 'invalid_request_error',
      status: 400,
      message:
        'prompt is too long: the prompt is longer than the context length currently available to the model; shorten the prompt, adjust the context length in settings, or use a model with a longer context length',
    },
  },
  {
    name: 'a Python traceback as plain text: only the exception reaches the client',
    status: 500,
    body: 'Traceback (most recent call last):\n  File "/usr/lib/python3/vllm/x.py", line 3, in f\n    raise ValueError(\'bad sampling params\')\nValueError: bad sampling params',
    expected: {
      type: 'api_error',
      status: 500,
      message: 'Upstream error (HTTP 500): ValueError: bad sampling params',
    },
  },
  {
    name: 'a traceback whose exception names a path: a generic message',
    status: 500,
    body: 'Traceback (most recent call last):\n  File "/srv/app.py", line 1\nFileNotFoundError: [Errno 2] No such file: \'/srv/models/config.json\'',
    expected: {
      type: 'api_error',
      status: 500,
      message: "Upstream error (HTTP 500): the upstream failed; its error text is in Ferry's log",
    },
  },
  {
    name: 'a JSON message carrying a Node stack: its first line only',
    status: 500,
    body: JSON.stringify({
      error: { message: 'TypeError: x is undefined\n    at run (/app/server.js:10:5)' },
    }),
    expected: {
      type: 'api_error',
      status: 500,
      message: 'Upstream error (HTTP 500): TypeError: x is undefined',
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
  const { error, retryWithMaxTokens } = mapUpstreamError(status, body, headers ?? {}, {
    requestedMaxTokens: maxTokens,
  });
  expect(retryWithMaxTokens).toBeUndefined();
  expect({
    type: error.type,
    status: error.status,
    message: error.message,
    ...(headers ? { headers: error.headers } : {}),
  }).toEqual(expected);
});

// The prompt fits but the output asked for does not: retried once (`retryWithMaxTokens`) with
// the room left, or, where the count is only a lower bound (current vLLM stops tokenizing one
// past the limit) or missing, without max_tokens. Should the retry fail the same way, the error
// is Anthropic's wording for it, on which Claude Code lowers max_tokens itself.
test.each([
  {
    name: "vLLM 0.10–0.11: 'max_tokens' is too large",
    body: vllmError(
      "'max_tokens' or 'max_completion_tokens' is too large: 32000. This model's maximum context length is 32768 tokens and your request has 1200 input tokens (32000 > 32768 - 1200).",
    ),
    maxTokens: 32000,
    retry: 31568,
    message: 'input length and `max_tokens` exceed context limit: 1200 + 32000 > 32768',
  },
  {
    name: 'vLLM renderer, an exact count (prompt + output past the context by more than one)',
    body: vllmError(
      "You passed 40000 input tokens and requested 32000 output tokens. However, the model's context length is only 65536 tokens, resulting in a maximum input length of 33536 tokens. Please reduce the length of the input prompt. (parameter=input_tokens, value=40000)",
      'input_tokens',
    ),
    maxTokens: 32000,
    retry: 25536,
    message: 'input length and `max_tokens` exceed context limit: 40000 + 32000 > 65536',
  },
  {
    name: 'vLLM renderer, the count cut one past the input limit',
    body: vllmError(
      "You passed 33537 input tokens and requested 32000 output tokens. However, the model's context length is only 65536 tokens, resulting in a maximum input length of 33536 tokens. Please reduce the length of the input prompt. (parameter=input_tokens, value=33537)",
      'input_tokens',
    ),
    maxTokens: 32000,
    retry: 'rest-of-context',
    message: 'input length and `max_tokens` exceed context limit: 33537 + 32000 > 65536',
  },
  {
    name: 'vLLM, newest wording: "at least N input tokens"',
    body: vllmError(
      "This model's maximum context length is 65536 tokens. However, you requested 32000 output tokens and your prompt contains at least 33537 input tokens, for a total of at least 65537 tokens. Please reduce the length of the input prompt or the number of requested output tokens. (parameter=input_tokens, value=33537)",
      'input_tokens',
    ),
    maxTokens: 32000,
    retry: 'rest-of-context',
    message: 'input length and `max_tokens` exceed context limit: 33537 + 32000 > 65536',
  },
  {
    name: 'vLLM renderer counting characters before tokens: no token count',
    body: vllmError(
      "You passed 300000 input characters and requested 32000 output tokens. However, the model's context length is only 65536 tokens, resulting in a maximum input length of 33536 tokens (at most 134144 characters). Please reduce the length of the input prompt. (parameter=input_text, value=300000)",
      'input_text',
    ),
    maxTokens: 32000,
    retry: 'rest-of-context',
    message: 'prompt is too long: You passed 300000 input characters',
  },
  {
    name: 'vLLM: max_tokens above the whole context',
    body: vllmError(
      'max_tokens=100000cannot be greater than max_model_len=max_total_tokens=65536. Please request fewer output tokens. (parameter=max_tokens, value=100000)',
      'max_tokens',
    ),
    maxTokens: 100000,
    retry: 'rest-of-context',
    message: 'prompt is too long: max_tokens=100000cannot be greater than max_model_len',
  },
  {
    name: 'SGLang: prompt + completion over the context',
    body: vllmError(
      "Requested token count exceeds the model's maximum context length of 32768 tokens. You requested a total of 40000 tokens: 8000 tokens from the input messages and 32000 tokens for the completion. Please reduce the number of tokens in the input messages or the completion to fit within the limit.",
    ),
    maxTokens: 32000,
    retry: 24768,
    message: 'input length and `max_tokens` exceed context limit: 8000 + 32000 > 32768',
  },
])('$name', ({ body, maxTokens, retry, message }) => {
  const { error, retryWithMaxTokens } = mapUpstreamError(
    400,
    body,
    {},
    { requestedMaxTokens: maxTokens },
  );
  expect(retryWithMaxTokens).toBe(retry);
  expect(error.type).toBe('invalid_request_error');
  expect(error.message).toContain(message);
});

test('the whole text of an answer shortened for the client is kept for the operator', () => {
  const body = 'Traceback (most recent call last):\n  File "/x.py", line 1\nValueError: v';
  expect(mapUpstreamError(500, body, {}).upstreamText).toBe(body);
  expect(mapUpstreamError(500, '{"error":{"message":"plain"}}', {}).upstreamText).toBeUndefined();
});

test.each([
  [404, 'Upstream error (HTTP 404 from http://gpu:8001/api/v1/models): Not Found'],
  [405, 'Upstream error (HTTP 405 from http://gpu:8001/api/v1/models): Not Found'],
  [500, 'Upstream error (HTTP 500): Not Found'],
])('an HTTP %i names the URL only where the URL is the likely mistake', (status, message) => {
  const url = 'http://gpu:8001/api/v1/models';
  expect(mapUpstreamError(status, 'Not Found', {}, { url }).error.message).toBe(message);
});
