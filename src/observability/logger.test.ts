import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { createLogger } from './logger.js';

function logged(secrets: string[], write: (logger: ReturnType<typeof createLogger>) => void) {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  write(createLogger({ secrets, destination }));
  return text;
}

test.each([
  ['a plain key', 'sk-plain-123'],
  ['a key with a quote and a backslash, escaped in the JSON line', 'sk-"odd\\key'],
])('%s is redacted from messages, fields and header paths', (_name, secret) => {
  const text = logged([secret], (logger) => {
    logger.info({ detail: `upstream said ${secret}` }, `refused ${secret}`);
    logger.info({ headers: { authorization: `Bearer ${secret}`, 'x-api-key': secret } }, 'req');
  });
  expect(text).not.toContain(secret);
  expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
  expect(text).toContain('[redacted]');
});
