import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { OpenAICompatibleBackend } from '../../src/backends/openai-compatible/openai-compatible-backend.js';
import { FerryMetrics } from '../../src/observability/metrics.js';
import {
  startScriptedUpstream,
  type ScriptedReply,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { startFerry, type TestFerry } from '../helpers/start-ferry.js';
import { chunk, sse } from '../helpers/vllm-chunks.js';
import { sendRaw } from '../reliability/helpers/raw-http.js';

// What a failure leaves in /metrics and the log when its status says nothing of it: a stream
// that fails after its 200, a client that leaves, a request Node's parser refuses.

let upstream: ScriptedUpstream;
let ferry: TestFerry;

const idleTimeoutMs = 600;

beforeAll(async () => {
  upstream = await startScriptedUpstream({ flavor: 'vllm', models: ['qwen3-coder'] });
  const backend = new OpenAICompatibleBackend({ url: upstream.url, bodyTimeoutMs: idleTimeoutMs });
  ferry = await startFerry({ upstream: upstream.url, backend, pingIntervalMs: 150 });
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

function post(url: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });
}

async function readToEnd(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
  }
}

/** A counter's value in the /metrics text (0 when absent). */
async function counter(url: string, series: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return valueOf(text, series);
}

function valueOf(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** The parsed log lines of one request, once one matching `message` was written. */
async function requestLog(
  logs: string[],
  requestId: string,
  message: RegExp,
): Promise<Record<string, unknown>[]> {
  const ofRequest = (): Record<string, unknown>[] =>
    logs
      .filter((line) => line.includes(requestId))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  await expect
    .poll(() => ofRequest().some((line) => message.test(String(line.msg))), { timeout: 3000 })
    .toBe(true);
  return ofRequest();
}

const text = (content: string) => chunk({ content });

describe('a stream that fails after its 200 is counted by error type and says so in its log line', () => {
  test.each<[string, string, ScriptedReply]>([
    [
      'an error the upstream sends mid-stream',
      'api_error',
      { fixture: 'faults/vllm-stream-error.sse', interChunkDelayMs: 100 },
    ],
    [
      'an upstream that cuts the connection',
      'api_error',
      { sse: sse([text('a'), text('b'), text('c')], false), cutAfterChunks: 2 },
    ],
    [
      'an upstream silent for longer than the idle timeout',
      'timeout_error',
      { sse: sse([text('a'), text('b')], false), interChunkDelayMs: idleTimeoutMs * 2 },
    ],
  ])('%s → %s', async (_name, type, reply) => {
    const series = `ferry_stream_errors_total{type="${type}"}`;
    const before = await counter(ferry.url, series);
    await upstream.script(reply);
    const response = await post(ferry.url, { ...ask, stream: true });
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(body).toContain(`event: error\ndata: {"type":"error","error":{"type":"${type}"`);
    expect(await counter(ferry.url, series)).toBe(before + 1);
    const lines = await requestLog(ferry.logs, response.headers.get('request-id')!, /^request$/);
    expect(lines.find((line) => line.msg === 'request')).toMatchObject({
      status: 200,
      streamError: type,
    });
  });

  test('a stream cut off by a shutdown whose grace ran out → overloaded_error', async () => {
    const metrics = new FerryMetrics();
    const closing = await startFerry({ upstream: upstream.url, metrics, pingIntervalMs: 100 });
    await upstream.script({ text: 'one two three four five six', interChunkDelayMs: 500 });
    const response = await post(closing.url, { ...ask, stream: true });
    const reader = response.body!.getReader();
    await reader.read(); // the stream is open
    const [body] = await Promise.all([readToEnd(reader), closing.server.close(100)]);
    await closing.backend.close();
    expect(body).toContain('"type":"overloaded_error"');
    const scraped = await metrics.registry.metrics();
    expect(valueOf(scraped, 'ferry_stream_errors_total{type="overloaded_error"}')).toBe(1);
    const lines = await requestLog(closing.logs, response.headers.get('request-id')!, /^request$/);
    expect(lines.find((line) => line.msg === 'request')).toMatchObject({
      streamError: 'overloaded_error',
    });
  });

  test('a stream that ends well has no streamError', async () => {
    await upstream.script({ text: 'fine' });
    const response = await post(ferry.url, { ...ask, stream: true });
    expect(await response.text()).toContain('message_stop');
    const lines = await requestLog(ferry.logs, response.headers.get('request-id')!, /^request$/);
    expect(lines.find((line) => line.msg === 'request')).not.toHaveProperty('streamError');
  });
});

test('an unknown model is counted under the messages route, a wrong method as unmatched', async () => {
  const notFound = 'ferry_http_requests_total{route="/v1/messages",status="404"}';
  const notAllowed = 'ferry_http_requests_total{route="unmatched",status="405"}';
  const before = [await counter(ferry.url, notFound), await counter(ferry.url, notAllowed)];
  expect((await post(ferry.url, { ...ask, model: 'gpt-4o' })).status).toBe(404);
  expect((await fetch(`${ferry.url}/v1/messages`)).status).toBe(405);
  expect(await counter(ferry.url, notFound)).toBe(before[0]! + 1);
  expect(await counter(ferry.url, notAllowed)).toBe(before[1]! + 1);
});

test.each([
  [
    'a request head over the limit',
    `GET /v1/models HTTP/1.1\r\nx-big: ${'a'.repeat(40_000)}\r\n\r\n`,
    431,
  ],
  ['bytes that are not HTTP', 'HELLO THERE\r\n\r\n', 400],
])('%s: answered by Node’s parser, yet counted and logged (%i)', async (_name, bytes, status) => {
  const series = `ferry_http_requests_total{route="unmatched",status="${status}"}`;
  const before = await counter(ferry.url, series);
  const reply = await sendRaw(Number(new URL(ferry.url).port), bytes);
  expect(reply.status).toBe(status);
  expect(await counter(ferry.url, series)).toBe(before + 1);
  const lines = await requestLog(ferry.logs, reply.headers['request-id']!, /./);
  expect(lines[0]).toMatchObject({ level: 30, status });
});

describe('a client that leaves is logged as leaving, at the stage it left, never as a server error', () => {
  test('before the reply began', async () => {
    await upstream.script({ text: 'late', delayMs: 5000 });
    const controller = new AbortController();
    const sent = post(ferry.url, ask, controller.signal);
    await expect.poll(async () => (await upstream.stats()).inFlight, { timeout: 3000 }).toBe(1);
    const from = ferry.logs.length;
    controller.abort();
    await expect(sent).rejects.toThrow();
    await expect
      .poll(() => ferry.logs.slice(from).find((line) => line.includes('"status":499')), {
        timeout: 3000,
      })
      .toContain('request cut short: the client closed the connection before the reply began');
    const since = ferry.logs.slice(from);
    expect(since.join('\n')).not.toContain('Internal server error');
    expect(since.filter((line) => /"level":(40|50)/.test(line))).toEqual([]);
  });

  test('mid-reply', async () => {
    await upstream.script({ text: 'one two three four', interChunkDelayMs: 300 });
    const controller = new AbortController();
    const response = await post(ferry.url, { ...ask, stream: true }, controller.signal);
    await response.body!.getReader().read();
    controller.abort();
    const lines = await requestLog(ferry.logs, response.headers.get('request-id')!, /cut short/);
    expect(lines.find((line) => line.status === 499)?.msg).toBe(
      'request cut short: the client closed the connection mid-reply',
    );
  });
});
