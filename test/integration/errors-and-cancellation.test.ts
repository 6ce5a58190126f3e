import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { startFerry, type TestFerry } from '../helpers/start-ferry.js';
import { chunk, finishChunk, sse, usageChunk } from '../helpers/vllm-chunks.js';

let upstream: ScriptedUpstream;
let ferry: TestFerry;
let client: Anthropic;

beforeAll(async () => {
  upstream = await startScriptedUpstream({ flavor: 'vllm', models: ['qwen3-coder'] });
  ferry = await startFerry({
    upstream: upstream.url,
    pingIntervalMs: 150,
    maxBodyBytes: 64 * 1024,
  });
  client = ferry.client();
});
afterAll(async () => {
  await ferry?.close();
  await upstream?.close();
});
beforeEach(async () => {
  await upstream.reset();
});

const ask = {
  model: 'qwen3-coder',
  max_tokens: 100,
  messages: [{ role: 'user' as const, content: 'hi' }],
};

async function post(
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const response = await fetch(ferry.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k', ...headers },
    body,
  });
  return { status: response.status, json: await response.json(), headers: response.headers };
}

/** A streamed request for `ask`, read to its end. */
async function postStream(): Promise<{ response: Response; text: string }> {
  const response = await fetch(`${ferry.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...ask, stream: true }),
  });
  return { response, text: await response.text() };
}

/** The data of a stream's SSE `error` event, or null. */
function errorEventOf(text: string): unknown {
  return JSON.parse(/event: error\ndata: (.*)\n/.exec(text)?.[1] ?? 'null');
}

describe('bad requests get Anthropic-shaped errors naming the problem', () => {
  test.each([
    ['malformed JSON', '{"model":', 400, 'invalid_request_error', 'not valid JSON'],
    [
      'missing max_tokens',
      JSON.stringify({ model: 'qwen3-coder', messages: [{ role: 'user', content: 'x' }] }),
      400,
      'invalid_request_error',
      'max_tokens',
    ],
    [
      'mistyped temperature',
      JSON.stringify({ ...ask, temperature: 'hot' }),
      400,
      'invalid_request_error',
      'temperature',
    ],
    [
      'empty messages',
      JSON.stringify({ ...ask, messages: [] }),
      400,
      'invalid_request_error',
      'messages: at least one message',
    ],
    [
      'a bad block type',
      JSON.stringify({ ...ask, messages: [{ role: 'user', content: [{ type: 'video' }] }] }),
      400,
      'invalid_request_error',
      'messages.0.content.0',
    ],
    [
      'an unknown model',
      JSON.stringify({ ...ask, model: 'gpt-4o' }),
      404,
      'not_found_error',
      'gpt-4o',
    ],
    [
      'a body over the limit',
      JSON.stringify({ ...ask, messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] }),
      413,
      'request_too_large',
      'limit',
    ],
  ])('%s', async (_name, body, status, type, message) => {
    const response = await post('/v1/messages', body);
    expect(response.status).toBe(status);
    expect(response.json).toMatchObject({
      type: 'error',
      error: { type, message: expect.stringContaining(message) },
    });
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    // ErrorResponse.request_id: the body names the request, as the header does.
    expect(response.json).toMatchObject({ request_id: response.headers.get('request-id') });
  });

  test('unknown routes are 404 and wrong methods 405, in the same shape', async () => {
    const missing = await fetch(`${ferry.url}/v2/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error' },
      request_id: missing.headers.get('request-id'),
    });
    // An Anthropic API Ferry does not implement says so.
    const batches = await fetch(`${ferry.url}/v1/messages/batches`, { method: 'POST' });
    expect(batches.status).toBe(404);
    expect(await batches.json()).toMatchObject({
      error: {
        type: 'not_found_error',
        message: expect.stringContaining('does not implement the Message Batches API'),
      },
    });
    const wrongMethod = await fetch(`${ferry.url}/v1/messages`, { method: 'GET' });
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toMatchObject({
      request_id: wrongMethod.headers.get('request-id'),
    });
  });

  test('the SDK raises its own typed errors for them', async () => {
    await expect(client.messages.create({ ...ask, model: 'nope' })).rejects.toBeInstanceOf(
      Anthropic.NotFoundError,
    );
  });
});

describe('upstream failures', () => {
  test('a 429 passes retry-after through as rate_limit_error', async () => {
    await upstream.script([
      {
        status: 429,
        headers: { 'retry-after': '3' },
        body: JSON.stringify({ error: { message: 'busy' } }),
      },
    ]);
    const response = await post('/v1/messages', JSON.stringify(ask));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(response.json).toMatchObject({ error: { type: 'rate_limit_error' } });
  });

  test("a context-length error becomes Claude Code's 'prompt is too long'", async () => {
    const message =
      "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4990 in the messages, 10 in the completion).";
    await upstream.script([
      {
        status: 400,
        body: JSON.stringify({ object: 'error', message, type: 'BadRequestError', code: 400 }),
      },
    ]);
    const response = await post('/v1/messages', JSON.stringify({ ...ask, max_tokens: 10 }));
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      error: {
        type: 'invalid_request_error',
        message: 'prompt is too long: 4990 tokens > 4096 maximum',
      },
    });
  });

  test('an HTML error page never reaches the client (after the bounded retries)', async () => {
    const page = {
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html><h1>502 Bad Gateway</h1></html>',
    };
    await upstream.script([page, page, page]);
    const response = await post('/v1/messages', JSON.stringify(ask));
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.json)).not.toContain('<h1>');
    expect(
      (await upstream.requests()).filter((request) => request.path === '/v1/chat/completions'),
    ).toHaveLength(3);
  });

  test('a 503 before the first byte is retried and the client never sees it', async () => {
    await upstream.script([
      { status: 503, body: 'restarting' },
      { sse: sse([chunk({ content: 'ok' }), finishChunk('stop'), usageChunk(1, 1)]) },
    ]);
    const message = await client.messages.create(ask);
    expect(message.content).toEqual([{ type: 'text', text: 'ok', citations: null }]);
  });

  test('a stream that dies midway ends with an SSE error event, never message_stop', async () => {
    await upstream.script([
      {
        sse: sse([chunk({ content: 'partial' }), chunk({ content: ' answer' })], false),
        cutAfterChunks: 2,
      },
    ]);
    const { response, text } = await postStream();
    expect(response.status).toBe(200);
    expect(text).toContain('event: message_start');
    expect(text).toContain('event: error');
    expect(text).not.toContain('message_stop');
    expect(errorEventOf(text)).toMatchObject({
      type: 'error',
      error: { type: expect.any(String), message: expect.any(String) },
      request_id: response.headers.get('request-id'),
    });
    const stream = client.messages.stream(ask);
    await upstream.script([{ sse: sse([chunk({ content: 'x' })], false), cutAfterChunks: 1 }]);
    await expect(stream.finalMessage()).rejects.toThrow();
  });

  test.each([
    [
      'an error object without code',
      'data: {"error":{"message":"model crashed"}}\n\n',
      'api_error',
      'model crashed',
    ],
    ["TGI's string form", 'data: {"error":"out of memory"}\n\n', 'api_error', 'out of memory'],
    [
      'an SSE error event',
      'event: error\ndata: {"message":"server overloaded"}\n\n',
      'overloaded_error',
      'server overloaded',
    ],
  ])(
    'an in-stream error, %s, is an SSE error event with its message',
    async (_name, error, type, said) => {
      await upstream.script([
        {
          sse: [...sse([chunk({ content: 'partial' })], false), error],
          interChunkDelayMs: 300, // the stream is open when the error comes
        },
      ]);
      const { text } = await postStream();
      expect(text).toContain('partial');
      expect(text).not.toContain('message_stop');
      expect(errorEventOf(text)).toMatchObject({
        error: { type, message: `Upstream error: ${said}` },
      });
    },
  );

  test('a connection that breaks after [DONE] leaves the reply whole', async () => {
    await upstream.script([{ text: 'abc def', cutAtEnd: true }]);
    const { text } = await postStream();
    expect(text).not.toContain('event: error');
    expect(text.trimEnd().endsWith('data: {"type":"message_stop"}')).toBe(true);
    await upstream.script([{ text: 'abc def', cutAtEnd: true }]);
    const message = await client.messages.create(ask, { maxRetries: 0 });
    expect(message.content).toEqual([{ type: 'text', text: 'abc def', citations: null }]);
  });

  test('vLLM’s finish_reason "error" or "abort" is an error, never a reply that looks whole', async () => {
    await upstream.script([
      {
        sse: sse([chunk({ content: 'partial' }), finishChunk('error'), usageChunk(3, 1)]),
        interChunkDelayMs: 300, // the stream is open when the finish comes
      },
      { sse: sse([chunk({ content: 'partial' }), finishChunk('abort'), usageChunk(3, 1)]) },
    ]);
    const { text } = await postStream();
    expect(text).toContain('partial');
    expect(text).not.toContain('message_stop');
    expect(errorEventOf(text)).toMatchObject({
      error: { type: 'api_error', message: expect.stringContaining('finish_reason "error"') },
    });
    const once = { maxRetries: 0 };
    await expect(client.messages.create({ ...ask, stream: false }, once)).rejects.toMatchObject({
      status: 500,
      error: { error: { message: expect.stringContaining(`finish_reason "abort"`) } },
    });
  });

  test('ping events keep a silent stream alive', async () => {
    await upstream.script([
      {
        sse: sse([
          chunk({ content: 'a' }),
          chunk({ content: 'b' }),
          finishChunk('stop'),
          usageChunk(1, 2),
        ]),
        interChunkDelayMs: 400,
      },
    ]);
    const { text } = await postStream();
    expect(text).toContain('event: ping');
    expect(text.trimEnd().endsWith('data: {"type":"message_stop"}')).toBe(true);
  });

  test('a model slow to start gets its stream opened anyway, pings until its first token', async () => {
    const late = { sse: sse([chunk({ content: 'late' }), finishChunk('stop'), usageChunk(3, 1)]) };
    await upstream.script([
      { ...late, delayMs: 1600 },
      { ...late, delayMs: 1600 },
    ]);
    const { text } = await postStream();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe('message_start');
    expect(events.indexOf('ping')).toBeGreaterThan(0);
    expect(events.indexOf('ping')).toBeLessThan(events.indexOf('content_block_start'));
    expect(events.at(-1)).toBe('message_stop');
    const message = await client.messages.stream(ask).finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'late', citations: null }]);
    expect(message.usage).toMatchObject({ input_tokens: 3, output_tokens: 1 });
  });

  test('a failure after the stream was opened is an SSE error event of the same type', async () => {
    await upstream.script([
      { status: 429, delayMs: 1600, body: JSON.stringify({ error: { message: 'busy' } }) },
    ]);
    const { response, text } = await postStream();
    expect(response.status).toBe(200);
    expect(text).not.toContain('message_stop');
    expect(errorEventOf(text)).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error' },
    });
  });

  test('a client that disconnects aborts the upstream request', async () => {
    await upstream.script([
      {
        sse: sse([
          chunk({ content: 'a' }),
          chunk({ content: 'b' }),
          chunk({ content: 'c' }),
          finishChunk('stop'),
        ]),
        interChunkDelayMs: 300,
      },
    ]);
    const controller = new AbortController();
    const response = await fetch(`${ferry.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...ask, stream: true }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await expect
      .poll(async () => (await upstream.requests())[0]?.aborted, { timeout: 3000 })
      .toBe(true);
    // Logged and counted, though no reply reached its end.
    await expect
      .poll(() => ferry.logs.find((line) => line.includes('request cut short')), { timeout: 3000 })
      .toMatch(/"status":499/);
    const metrics = await (await fetch(`${ferry.url}/metrics`)).text();
    expect(metrics).toMatch(/ferry_http_requests_total\{route="\/v1\/messages",status="499"\} 1/);
  });
});

test('a client that leaves count_tokens stops the upstream tokenizer', async () => {
  await upstream.script({ endpoint: 'tokenize', hang: true });
  const controller = new AbortController();
  const counted = fetch(`${ferry.url}/v1/messages/count_tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: ask.model, messages: ask.messages }),
    signal: controller.signal,
  });
  const tokenize = async () =>
    (await upstream.requests()).find((entry) => entry.path === '/tokenize');
  await expect.poll(tokenize, { timeout: 3000 }).toBeDefined();
  controller.abort();
  await expect(counted).rejects.toThrow();
  await expect.poll(async () => (await tokenize())?.aborted, { timeout: 3000 }).toBe(true);
});

describe('authentication', () => {
  let guarded: TestFerry;
  beforeAll(async () => {
    guarded = await startFerry({ upstream: upstream.url, apiKey: 'secret-key-123' });
  });
  afterAll(async () => {
    await guarded?.close();
  });

  test('no key or a wrong key is 401; x-api-key and Bearer both work; probes need none', async () => {
    const call = (headers: Record<string, string>) =>
      fetch(`${guarded.url}/v1/models`, { headers }).then((response) => response.status);
    expect(await call({})).toBe(401);
    expect(await call({ 'x-api-key': 'wrong' })).toBe(401);
    expect(await call({ 'x-api-key': 'secret-key-123' })).toBe(200);
    expect(await call({ authorization: 'Bearer secret-key-123' })).toBe(200);
    expect((await fetch(`${guarded.url}/health`)).status).toBe(200);
    expect((await fetch(`${guarded.url}/`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${guarded.url}/api/hello`, { method: 'HEAD' })).status).toBe(200);
    await expect(guarded.client({ apiKey: 'wrong' }).models.list()).rejects.toBeInstanceOf(
      Anthropic.AuthenticationError,
    );
    expect(guarded.logs.join('\n')).not.toContain('secret-key-123');
  });

  test.each([
    [{ 'x-api-key': 'wrong' }, 'invalid x-api-key'],
    [{ authorization: 'Bearer wrong' }, 'Invalid bearer token'],
  ])('a wrong key in %j is refused in Anthropic’s words for it: %s', async (headers, message) => {
    const response = await fetch(`${guarded.url}/v1/models`, { headers });
    expect(await response.json()).toMatchObject({
      error: { type: 'authentication_error', message },
    });
  });
});
