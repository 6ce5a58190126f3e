import { connect } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { startFerry, type TestFerry } from '../helpers/start-ferry.js';

// How a body reaches the model: decoded from its Content-Encoding, read as UTF-8, and read at
// all only when the method is one the path serves.

const bodyLimit = 64 * 1024;
let upstream: ScriptedUpstream;
let ferry: TestFerry;

beforeAll(async () => {
  upstream = await startScriptedUpstream({ flavor: 'vllm', models: ['qwen3-coder'] });
  ferry = await startFerry({ upstream: upstream.url, maxBodyBytes: bodyLimit });
});
afterAll(async () => {
  await ferry?.close();
  await upstream?.close();
});
beforeEach(async () => {
  await upstream.reset();
});

const content = 'héllo — ✓ 😀';
const ask = JSON.stringify({
  model: 'qwen3-coder',
  max_tokens: 100,
  messages: [{ role: 'user', content }],
});

async function send(
  body: string | Buffer | undefined,
  headers: Record<string, string> = {},
  init: { method?: string; path?: string; url?: string } = {},
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const response = await fetch(`${init.url ?? ferry.url}${init.path ?? '/v1/messages'}`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body }),
    signal: AbortSignal.timeout(5000),
  });
  return { status: response.status, json: await response.json(), headers: response.headers };
}

/** The user text of the last chat request the upstream received. */
async function forwardedText(): Promise<unknown> {
  const bodies = await upstream.chatBodies<{ messages: { content: unknown }[] }>();
  return bodies.at(-1)?.messages.at(-1)?.content;
}

describe('a body sent with a Content-Encoding reaches the model decoded', () => {
  test.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
    ['identity', (bytes: Buffer) => bytes],
  ])('%s', async (coding, compress) => {
    const response = await send(compress(Buffer.from(ask)), { 'content-encoding': coding });
    expect(response.status).toBe(200);
    expect(await forwardedText()).toBe(content);
  });
});

test('a UTF-8 byte order mark is dropped, not a JSON syntax error', async () => {
  const response = await send(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ask)]));
  expect(response.status).toBe(200);
  expect(await forwardedText()).toBe(content);
});

describe('a body Ferry cannot read is refused in Anthropic’s shape, naming why', () => {
  const latin1 = Buffer.from(ask.replace(content, 'café'), 'latin1');
  test.each([
    [
      'plain JSON labelled gzip',
      Buffer.from(ask),
      'gzip',
      400,
      'invalid_request_error',
      'not valid gzip data',
    ],
    [
      'a truncated brotli body',
      brotliCompressSync(Buffer.from(ask)).subarray(0, 20),
      'br',
      400,
      'invalid_request_error',
      'not valid br data',
    ],
    [
      'a coding Ferry does not take',
      gzipSync(Buffer.from(ask)),
      'compress',
      400,
      'invalid_request_error',
      'Content-Encoding compress is not supported',
    ],
    [
      'a zip bomb under the limit as sent',
      gzipSync(Buffer.alloc(bodyLimit * 512)),
      'gzip',
      413,
      'request_too_large',
      `${bodyLimit} byte limit once decompressed`,
    ],
    ['Latin-1 text', latin1, undefined, 400, 'invalid_request_error', 'not valid UTF-8'],
    [
      'gzipped Latin-1 text',
      gzipSync(latin1),
      'gzip',
      400,
      'invalid_request_error',
      'not valid UTF-8',
    ],
    [
      'UTF-16',
      Buffer.from(`\uFEFF${ask}`, 'utf16le'),
      undefined,
      400,
      'invalid_request_error',
      'not valid UTF-8',
    ],
  ])('%s', async (_name, body, coding, status, type, message) => {
    expect(body.length).toBeLessThan(bodyLimit);
    const response = await send(body, coding === undefined ? {} : { 'content-encoding': coding });
    expect(response.status).toBe(status);
    expect(response.json).toMatchObject({
      type: 'error',
      error: { type, message: expect.stringContaining(message) },
      request_id: response.headers.get('request-id'),
    });
    // No binary bytes echoed back (gzip's magic number was, before).
    expect(JSON.stringify(response.json)).not.toMatch(/\\u00(1f|8b)|\uFFFD/);
    expect(await upstream.chatBodies()).toEqual([]);
  });
});

test.each([
  ['compress', gzipSync(Buffer.from(ask)), 'request_body_encoding_unsupported'],
  ['gzip', Buffer.from(ask), 'request_body_encoding_invalid'],
  ['gzip', gzipSync(Buffer.alloc(bodyLimit * 2)), 'request_body_too_large_after_decoding'],
])(
  'Content-Encoding %s: error.details.error_code %s, as Anthropic names it',
  async (coding, body, code) => {
    const response = await send(body, { 'content-encoding': coding });
    expect(response.json).toMatchObject({ error: { details: { error_code: code } } });
  },
);

describe('a coded body nobody reads, or one refused before it is read, leaves Ferry up', () => {
  /** Raw HTTP: fetch would not send a Content-Length the body does not have. */
  async function raw(request: string, body: Buffer): Promise<string> {
    const { port } = new URL(ferry.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.write(request);
    socket.end(body);
    let answer = '';
    for await (const piece of socket) answer += String(piece);
    return answer;
  }
  const junk = Buffer.from('not gzip at all, just junk');

  test.each([
    [
      'a probe with a corrupt gzip body',
      `GET /health HTTP/1.1\r\nhost: x\r\ncontent-encoding: gzip\r\ncontent-length: ${junk.length}\r\nconnection: close\r\n\r\n`,
      '200',
    ],
    [
      'a gzip body declared over the limit',
      `POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: ${bodyLimit + 1}\r\nconnection: close\r\n\r\n`,
      '413',
    ],
  ])('%s', async (_name, request, status) => {
    expect((await raw(request, junk)).split(' ')[1]).toBe(status);
    // Still serving: the failed decode was heard, not left to end the process.
    await upstream.script({ text: 'still here' });
    expect((await send(ask)).status).toBe(200);
  });
});

describe('a method the path does not serve is a 405 with Allow, before its body is read', () => {
  test.each([
    ['PUT', '/v1/messages', '', 'POST'],
    ['PUT', '/v1/messages', '{"model":', 'POST'],
    ['DELETE', '/v1/messages', '', 'POST'],
    ['PATCH', '/v1/messages', 'not json', 'POST'],
    ['OPTIONS', '/v1/messages', '{', 'POST'],
    ['GET', '/v1/messages', undefined, 'POST'],
    ['PUT', '/v1/messages/count_tokens', '{', 'POST'],
    ['POST', '/v1/models', '{', 'GET, HEAD'],
    ['DELETE', '/v1/models/qwen3-coder', '{', 'GET, HEAD'],
    ['POST', '/metrics', '{', 'GET, HEAD'],
  ])('%s %s with body %j → Allow: %s', async (method, path, body, allow) => {
    const response = await send(body, { 'content-encoding': 'compress' }, { method, path });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    expect(response.json).toMatchObject({
      error: {
        type: 'invalid_request_error',
        message: `Method ${method} is not allowed on ${path}`,
      },
    });
  });

  test('an unknown path is a 404 whatever its body', async () => {
    const response = await send('{', {}, { path: '/v2/nothing' });
    expect(response.status).toBe(404);
    expect(response.headers.get('allow')).toBeNull();
  });

  test('with --api-key, a request without the key is still a 401 first', async () => {
    const guarded = await startFerry({ upstream: upstream.url, apiKey: 'secret-key-123' });
    try {
      const put = await send('{', {}, { method: 'PUT', url: guarded.url });
      expect(put.status).toBe(401);
      const keyed = await send(
        '{',
        { 'x-api-key': 'secret-key-123' },
        { method: 'PUT', url: guarded.url },
      );
      expect(keyed.status).toBe(405);
    } finally {
      await guarded.close();
    }
  });
});
