import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { ApiError } from '../protocol/api-error.js';
import { decodeRequestBody } from './decode-request-body.js';

const json = JSON.stringify({
  model: 'm',
  messages: [{ role: 'user', content: 'héllo '.repeat(500) }],
});
const limit = 64 * 1024;

/** `bytes` sent as a request body with these headers, read as Fastify reads it. */
async function decode(
  bytes: Buffer,
  headers: IncomingHttpHeaders,
): Promise<{ stream: Readable; payload: Readable; text: string; encodedLength: number }> {
  const payload = new PassThrough();
  const stream = decodeRequestBody(payload, headers, limit);
  // The socket delivers the body in pieces.
  for (let at = 0; at < bytes.length; at += 1000) payload.write(bytes.subarray(at, at + 1000));
  payload.end();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const { receivedEncodedLength } = stream as Readable & { receivedEncodedLength?: number };
  return {
    stream,
    payload,
    text: Buffer.concat(chunks).toString('utf8'),
    encodedLength: receivedEncodedLength ?? -1,
  };
}

const withLength = (bytes: Buffer, coding?: string): IncomingHttpHeaders => ({
  'content-length': String(bytes.length),
  ...(coding === undefined ? {} : { 'content-encoding': coding }),
});

describe('a coded body is decoded, its sent size reported for the content-length check', () => {
  test.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['GZip ', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])('%s', async (coding, compress) => {
    const bytes = compress(Buffer.from(json));
    const { text, encodedLength } = await decode(bytes, withLength(bytes, coding));
    expect(text).toBe(json);
    expect(encodedLength).toBe(bytes.length);
  });

  test('chunked, with no content-length', async () => {
    const bytes = gzipSync(Buffer.from(json));
    const headers = { 'transfer-encoding': 'chunked', 'content-encoding': 'gzip' };
    expect((await decode(bytes, headers)).text).toBe(json);
  });
});

test.each([
  ['no Content-Encoding', withLength(Buffer.from(json))],
  ['identity', withLength(Buffer.from(json), 'identity')],
  ['a coding on a request with no body', { 'content-encoding': 'compress' }],
  ['a coding on an empty body', { 'content-length': '0', 'content-encoding': 'gzip' }],
])('%s: the body is passed on as it came', (_name, headers) => {
  const payload = new PassThrough();
  expect(decodeRequestBody(payload, headers, limit)).toBe(payload);
});

test.each(['compress', 'zstd', 'gzip, br', 'bogus'])(
  'Content-Encoding %s → 400 request_body_encoding_unsupported naming the codings Ferry takes',
  (coding) => {
    const call = () =>
      decodeRequestBody(new PassThrough(), withLength(Buffer.from(json), coding), limit);
    expect(call).toThrow(ApiError);
    expect(call).toThrow(
      expect.objectContaining({
        status: 400,
        type: 'invalid_request_error',
        details: { error_code: 'request_body_encoding_unsupported' },
      }),
    );
    expect(call).toThrow(/gzip, deflate, br/);
  },
);

describe('a body that is not what its coding says → 400 invalid_request_error', () => {
  test.each([
    ['plain JSON labelled gzip', Buffer.from(json), 'gzip'],
    ['plain JSON labelled br', Buffer.from(json), 'br'],
    ['gzip labelled deflate', gzipSync(Buffer.from(json)), 'deflate'],
    ['a truncated gzip body', gzipSync(Buffer.from(json)).subarray(0, 40), 'gzip'],
  ])('%s', async (_name, bytes, coding) => {
    await expect(decode(bytes, withLength(bytes, coding))).rejects.toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      message: expect.stringContaining(`not valid ${coding} data`),
    });
  });
});

test('a zip bomb stops at the limit: a 413, and the decoder is stopped', async () => {
  const bytes = gzipSync(Buffer.alloc(64 * limit)); // 4 MiB of zeros in ~4 KB
  expect(bytes.length).toBeLessThan(limit);
  let read = 0;
  const payload = new PassThrough();
  const stream = decodeRequestBody(payload, withLength(bytes, 'gzip'), limit);
  payload.end(bytes);
  const reading = (async () => {
    for await (const chunk of stream) read += (chunk as Buffer).length;
  })();
  await expect(reading).rejects.toMatchObject({
    status: 413,
    type: 'request_too_large',
    message: expect.stringContaining(`${limit} byte limit once decompressed`),
  });
  expect(read).toBeLessThanOrEqual(limit);
  expect(stream.destroyed).toBe(true);
  expect(payload.listenerCount('data')).toBeLessThanOrEqual(1); // unpiped: only the byte count
});
