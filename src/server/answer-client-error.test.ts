import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { answerClientError } from './answer-client-error.js';

function answer(code: string | undefined): {
  text: string;
  logged: object[];
  answered: number | undefined;
} {
  const socket = new PassThrough();
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const logged: object[] = [];
  const answered = answerClientError(
    Object.assign(new Error('parse error'), { code }),
    socket,
    (details) => logged.push(details),
  );
  return { text, logged, answered };
}

describe('answerClientError', () => {
  test.each([
    ['HPE_HEADER_OVERFLOW', 431, 'invalid_request_error'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'timeout_error'],
    ['HPE_INVALID_HEADER_TOKEN', 400, 'invalid_request_error'],
    [undefined, 400, 'invalid_request_error'],
  ])('%s → %i %s with a JSON body and a request id', (code, status, type) => {
    const { text, logged, answered } = answer(code);
    expect(answered).toBe(status); // what the server counts
    const [head = '', body = ''] = text.split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    const requestId = /\r\nrequest-id: (req_\w+)/.exec(head)?.[1];
    expect(requestId).toBeDefined();
    expect(head).toContain(`content-length: ${Buffer.byteLength(body)}`);
    expect(JSON.parse(body)).toMatchObject({
      type: 'error',
      error: { type },
      request_id: requestId,
    });
    expect(logged).toHaveLength(1);
  });

  test('a reset connection gets nothing', () => {
    expect(answer('ECONNRESET')).toEqual({ text: '', logged: [], answered: undefined });
  });
});
