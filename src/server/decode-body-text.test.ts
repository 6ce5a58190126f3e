import { expect, test } from 'vitest';
import { ApiError } from '../protocol/api-error.js';
import { decodeBodyText } from './decode-body-text.js';

const bom = [0xef, 0xbb, 0xbf];
const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))),
  );

test.each([
  ['ASCII', bytes('{"a":1}'), '{"a":1}'],
  ['multibyte text, 2 to 4 bytes a character', bytes('{"a":"é—✓😀"}'), '{"a":"é—✓😀"}'],
  ['a U+FFFD the client meant', bytes('{"a":"\uFFFD"}'), '{"a":"\uFFFD"}'],
  ['a byte order mark, dropped', bytes(bom, '{"a":1}'), '{"a":1}'],
  ['only a byte order mark', bytes(bom), ''],
  ['a byte order mark inside a string, kept', bytes('{"a":"', bom, '"}'), '{"a":"\uFEFF"}'],
  ['an empty body', bytes(), ''],
])('%s → the text', (_name, body, text) => {
  expect(decodeBodyText(body)).toBe(text);
});

test.each([
  ['a byte that is never UTF-8', bytes('{"a":"h', [0xff, 0xfe], 'i"}')],
  ['Latin-1 é', bytes('{"a":"caf', [0xe9], '"}')],
  [
    'a truncated 4-byte sequence (decoded as one U+FFFD of the same length)',
    bytes('{"a":"', [0xf0, 0x9f, 0x98], '"}'),
  ],
  ['an encoded surrogate', bytes('{"a":"', [0xed, 0xa0, 0x80], '"}')],
  ['an overlong encoding of "/"', bytes('{"a":"', [0xc0, 0xaf], '"}')],
  ['UTF-16 with its byte order mark', Buffer.from('\uFEFF{"a":1}', 'utf16le')],
])('%s → 400 invalid_request_error, never U+FFFD passed on', (_name, body) => {
  let thrown: unknown;
  try {
    decodeBodyText(body);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ApiError);
  expect(thrown).toMatchObject({
    type: 'invalid_request_error',
    status: 400,
    message: expect.stringContaining('Request body is not valid UTF-8'),
  });
});
