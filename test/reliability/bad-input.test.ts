import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { trackFigures } from './helpers/figures.js';
import { sendRaw } from './helpers/raw-http.js';
import { ask, errorTypeOf, sendMessage } from './helpers/send-message.js';
import {
  killAllFerries,
  startFerryProcess,
  type FerryProcess,
} from './helpers/start-ferry-process.js';

const bodyLimit = 64 * 1024;
const tally = trackFigures();
let upstream: ScriptedUpstream;
let ferry: FerryProcess;

beforeAll(async () => {
  upstream = await startScriptedUpstream({ models: ['test-model'] });
  ferry = await startFerryProcess({ upstream: upstream.url, config: { maxBodyBytes: bodyLimit } });
});
afterAll(async () => {
  killAllFerries();
  await upstream?.close();
});

/** After every bad input: the same process still answers a real request. */
async function expectStillServing(): Promise<void> {
  const outcome = tally.sent(await sendMessage(ferry.url, ask));
  expect(outcome.kind).toBe('message');
}

function raw(request: string): string {
  return `${request}\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n`;
}

function post(body: string, extraHeaders = ''): string {
  return `${raw('POST /v1/messages HTTP/1.1')}content-length: ${Buffer.byteLength(body)}\r\n${extraHeaders}connection: close\r\n\r\n${body}`;
}

/** Under the body limit, yet deeper than a recursive walk of it can go. */
function deepToolSchema(depth: number): string {
  const schema = `{"type":"object","properties":{"a":${'{"items":'.repeat(depth)}{}${'}'.repeat(depth)}}}`;
  const body = JSON.stringify({ ...ask, tools: [{ name: 'T', input_schema: { type: 'object' } }] });
  return body.replace('{"type":"object"}', schema);
}

function deepToolInput(depth: number): string {
  const input = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const body = JSON.stringify({
    ...ask,
    messages: [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'T', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] },
    ],
    tools: [{ name: 'T', input_schema: { type: 'object' } }],
  });
  return body.replace('"input":{}', `"input":${input}`);
}

describe('bad request bodies → Anthropic 400 / 413 naming the problem', () => {
  test.each([
    ['malformed JSON', '{"model":', 400, 'not valid JSON'],
    ['a JSON array', '[1,2]', 400, 'must be a JSON object'],
    ['missing model', JSON.stringify({ ...ask, model: undefined }), 400, 'model'],
    ['missing messages', JSON.stringify({ ...ask, messages: undefined }), 400, 'messages'],
    ['mistyped max_tokens', JSON.stringify({ ...ask, max_tokens: 'many' }), 400, 'max_tokens'],
    ['negative max_tokens', JSON.stringify({ ...ask, max_tokens: -1 }), 400, 'max_tokens'],
    ['empty messages', JSON.stringify({ ...ask, messages: [] }), 400, 'messages'],
    [
      'a bad role',
      JSON.stringify({ ...ask, messages: [{ role: 'robot', content: 'x' }] }),
      400,
      'messages.0',
    ],
    ['a stream flag that is a string', JSON.stringify({ ...ask, stream: 'yes' }), 400, 'stream'],
    ['invalid UTF-8', '{"model":"\xff\xfe"}', 400, ''],
    ['deep nesting', `${'['.repeat(50_000)}${']'.repeat(50_000)}`, 413, 'limit'],
    ['a tool schema nested 6,000 levels deep', deepToolSchema(6000), 400, 'nested too deeply'],
    ['a tool input nested 8,000 levels deep', deepToolInput(8000), 400, 'nested too deeply'],
    ['a body over the limit', JSON.stringify({ ...ask, pad: 'x'.repeat(bodyLimit) }), 413, 'limit'],
  ])('%s', async (_name, body, status, mention) => {
    tally.badInputs();
    const outcome = tally.sent(await sendMessage(ferry.url, body));
    expect(outcome).toMatchObject({ kind: 'error', status });
    if (outcome.kind !== 'error') return;
    expect(outcome.message).toContain(mention);
    expect(outcome.headers.get('request-id')).toMatch(/^req_/);
    await expectStillServing();
  });

  test('a declared length over the limit is refused before the body arrives', async () => {
    tally.badInputs();
    tally.requests();
    const reply = await sendRaw(
      ferry.port,
      `${raw('POST /v1/messages HTTP/1.1')}content-length: ${bodyLimit * 100}\r\n\r\n{"a":`,
    );
    expect(reply.status).toBe(413);
    expect(errorTypeOf(JSON.parse(reply.body))).toBe('request_too_large');
    await expectStillServing();
  });
});

describe('unknown routes and methods → Anthropic 404 / 405', () => {
  test.each([
    ['GET', '/v2/nothing', 404, 'not_found_error'],
    ['POST', '/v1/complete', 404, 'not_found_error'],
    ['GET', '/v1/messages', 405, 'invalid_request_error'],
    ['DELETE', '/v1/models', 405, 'invalid_request_error'],
    ['PUT', '/v1/messages/count_tokens', 405, 'invalid_request_error'],
    ['GET', `/${'a'.repeat(8000)}`, 404, 'not_found_error'],
    ['GET', '/%E0%A4%A', 400, 'invalid_request_error'],
  ])('%s %s', async (method, path, status, type) => {
    tally.badInputs();
    tally.requests();
    const response = await fetch(ferry.url + path, { method, signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(status);
    expect(errorTypeOf(await response.json())).toBe(type);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
  });
});

describe('odd and oversized headers never crash it', () => {
  const big = 'a'.repeat(40 * 1024);
  test.each([
    [
      'one header over the head limit',
      `${raw('GET /v1/models HTTP/1.1')}x-big: ${big}\r\n\r\n`,
      431,
    ],
    [
      'thousands of small headers',
      `${raw('GET /v1/models HTTP/1.1')}${Array.from({ length: 6000 }, (_, i) => `x-h${i}: v\r\n`).join('')}\r\n`,
      431,
    ],
    ['a header line without a colon', `${raw('GET / HTTP/1.1')}no colon here\r\n\r\n`, 400],
    ['a control character in a header', `${raw('GET / HTTP/1.1')}x-odd: a\u0001b\r\n\r\n`, 400],
    ['a garbage request line', 'HELLO THERE\r\n\r\n', 400],
    ['binary noise', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256)), 400],
    [
      'both content-length and transfer-encoding',
      `${raw('POST /v1/messages HTTP/1.1')}content-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n`,
      400,
    ],
    [
      'a bad chunk size',
      `${raw('POST /v1/messages HTTP/1.1')}transfer-encoding: chunked\r\n\r\nzz\r\n`,
      400,
    ],
  ])('%s → %i in Anthropic shape', async (_name, bytes, status) => {
    tally.badInputs();
    tally.requests();
    const reply = await sendRaw(ferry.port, bytes);
    expect(reply.status).toBe(status);
    expect(errorTypeOf(JSON.parse(reply.body))).toBeDefined();
    expect(reply.headers['request-id']).toMatch(/^req_/);
    await expectStillServing();
  });

  test('headers a client may legitimately send pass: a long cookie, odd casing, duplicates', async () => {
    tally.requests();
    const reply = await sendRaw(
      ferry.port,
      `${raw('GET /v1/models HTTP/1.1')}Cookie: ${'c'.repeat(16 * 1024)}\r\nX-API-KEY: a\r\nx-api-key: b\r\nconnection: close\r\n\r\n`,
    );
    expect(reply.status).toBe(200);
  });

  test('a client that sends half a request and vanishes, or sends nothing, is harmless', async () => {
    tally.badInputs(3);
    tally.requests(3);
    await sendRaw(ferry.port, post('{"model":"test-model"').slice(0, -10), { timeoutMs: 200 });
    await sendRaw(ferry.port, '', { timeoutMs: 200 });
    await sendRaw(ferry.port, 'POST /v1/messages HTTP/1.1\r\nhost: x\r\n', {
      timeoutMs: 200,
      endAfterWrite: true,
    });
    await expectStillServing();
  });
});

test('after everything above the process is the same one, with no crash logged', async () => {
  await expectStillServing();
  const fatal = ferry.logs.filter((line) => /"level":(50|60)/.test(line));
  expect(fatal).toEqual([]);
});
