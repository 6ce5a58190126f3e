import { PassThrough, type Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { ApiError } from '../protocol/api-error.js';
import { readBodyBytes } from './read-body-bytes.js';

const limit = 100;

/** A request stream that delivers `chunks`, then ends (or fails with `error`). */
function requestOf(chunks: Buffer[], error?: Error): PassThrough {
  const payload = new PassThrough();
  setImmediate(() => {
    for (const chunk of chunks) payload.write(chunk);
    if (error === undefined) payload.end();
    else payload.destroy(error);
  });
  return payload;
}

const bytes = (text: string): Buffer => Buffer.from(text);

test('a body that came in one chunk is that chunk, not a copy of it', async () => {
  const chunk = bytes('{"a":1}');
  expect(await readBodyBytes(requestOf([chunk]), '7', limit)).toBe(chunk);
});

test.each([
  ['several chunks', [bytes('{"a"'), bytes(':'), bytes('1}')], '7', '{"a":1}'],
  ['chunked, with no declared length', [bytes('{"a"'), bytes(':1}')], undefined, '{"a":1}'],
  ['no bytes at all', [], '0', ''],
  ['exactly the limit', [Buffer.alloc(limit, 0x20)], String(limit), ' '.repeat(limit)],
])('%s', async (_name, chunks, declared, text) => {
  expect((await readBodyBytes(requestOf(chunks), declared, limit)).toString()).toBe(text);
});

describe('refused as Anthropic errors', () => {
  test.each<[string, () => Readable, string | undefined, number, string]>([
    [
      'a declared length over the limit, before any byte',
      () => new PassThrough(),
      '101',
      413,
      'request_too_large',
    ],
    [
      'more bytes than the limit, undeclared',
      () => requestOf([Buffer.alloc(60), Buffer.alloc(60)]),
      undefined,
      413,
      'request_too_large',
    ],
    [
      'more bytes from the socket than the limit, as a decoding stream counts them',
      () => Object.assign(requestOf([Buffer.alloc(10)]), { receivedEncodedLength: limit + 1 }),
      undefined,
      413,
      'request_too_large',
    ],
    [
      'fewer bytes than declared',
      () => requestOf([bytes('{}')]),
      '3',
      400,
      'invalid_request_error',
    ],
    [
      'a read that fails (the client went away)',
      () => requestOf([bytes('{')], new Error('aborted')),
      undefined,
      400,
      'invalid_request_error',
    ],
  ])('%s → %i %s', async (_name, payload, declared, status, type) => {
    const read = readBodyBytes(payload(), declared, limit);
    await expect(read).rejects.toBeInstanceOf(ApiError);
    await expect(read).rejects.toMatchObject({ status, type });
  });

  test('an ApiError from a decoding stream passes as it is', async () => {
    const refused = new ApiError('request_too_large', 'too large once decompressed');
    await expect(readBodyBytes(requestOf([], refused), undefined, limit)).rejects.toBe(refused);
  });
});
