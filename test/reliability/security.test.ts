import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { trackFigures } from './helpers/figures.js';
import { sendRaw } from './helpers/raw-http.js';
import { ask, sendMessage } from './helpers/send-message.js';
import {
  killAllFerries,
  startFerryProcess,
  type FerryProcess,
} from './helpers/start-ferry-process.js';

const clientKey = 'ferry-client-key-4f9a';
const upstreamKey = 'sk-upstream-key-7c21';
const tally = trackFigures();
let upstream: ScriptedUpstream;
let ferry: FerryProcess;

beforeAll(async () => {
  upstream = await startScriptedUpstream({ models: ['test-model'], apiKey: upstreamKey });
  ferry = await startFerryProcess({
    upstream: upstream.url,
    args: ['--api-key', clientKey, '--upstream-api-key', upstreamKey, '--log-level', 'trace'],
  });
});
afterAll(async () => {
  killAllFerries();
  await upstream?.close();
});

const keyed = { 'x-api-key': clientKey };

describe('--api-key guards every route but the health probes', () => {
  test.each([
    ['POST', '/v1/messages'],
    ['POST', '/v1/messages?beta=true'],
    ['POST', '/v1/messages/count_tokens'],
    ['GET', '/v1/models'],
    ['GET', '/v1/models/test-model'],
    ['GET', '/metrics'],
    ['GET', '/v2/unknown'],
  ])('%s %s: 401 without a key, with a wrong one, with a near miss', async (method, path) => {
    for (const headers of [
      {},
      { 'x-api-key': 'wrong' },
      { 'x-api-key': `${clientKey}x` },
      { authorization: `Bearer ${clientKey.slice(0, -1)}` },
    ]) {
      tally.badInputs();
      tally.requests();
      const response = await fetch(ferry.url + path, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        ...(method === 'POST' ? { body: JSON.stringify(ask) } : {}),
        signal: AbortSignal.timeout(5000),
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { type: 'authentication_error' } });
      expect(response.headers.get('request-id')).toMatch(/^req_/);
    }
  });

  test.each(['/', '/health', '/api/hello'])('%s answers without a key', async (path) => {
    tally.requests();
    expect((await fetch(ferry.url + path, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
  });

  test('the right key, as x-api-key or Bearer, gets through', async () => {
    for (const headers of [keyed, { authorization: `Bearer ${clientKey}` }]) {
      expect(tally.sent(await sendMessage(ferry.url, ask, { headers })).kind).toBe('message');
    }
  });
});

test('keys never appear in a log line or an error message, even when the upstream echoes one', async () => {
  await upstream.script([
    { status: 401, body: { error: { message: `invalid key ${upstreamKey} for ${clientKey}` } } },
    { status: 500, body: `Traceback: key=${upstreamKey}\n  File "/opt/vllm/serving.py"` },
  ]);
  tally.faults(2);
  const seen: string[] = [];
  for (let i = 0; i < 2; i++) {
    const outcome = tally.sent(await sendMessage(ferry.url, ask, { headers: keyed }));
    expect(outcome.kind).toBe('error');
    seen.push(JSON.stringify(outcome));
  }
  const raw = await sendRaw(
    ferry.port,
    `GET /v1/models HTTP/1.1\r\nx-api-key: ${clientKey}\r\nx-big: ${'a'.repeat(40_000)}\r\n\r\n`,
  );
  seen.push(raw.text);
  const everything = [...seen, ...ferry.logs].join('\n');
  expect(everything).not.toContain(upstreamKey);
  expect(everything).not.toContain(clientKey);
  expect(ferry.logs.join('\n')).toContain('[redacted]');
});

test('no stack traces or internal paths in responses; a request id in the header and the log', async () => {
  await upstream.script([{ fixture: 'faults/garbage.sse' }]);
  const outcome = tally.sent(
    await sendMessage(ferry.url, { ...ask, stream: true }, { headers: keyed }),
  );
  expect(JSON.stringify(outcome)).not.toMatch(/\bat .+:\d+:\d+|\/work\/|node_modules|dist\//);
  const response = await fetch(`${ferry.url}/v1/models`, { headers: keyed });
  const id = response.headers.get('request-id');
  expect(id).toMatch(/^req_\w+$/);
  await ferry.waitForLog(new RegExp(`"reqId":"${id}"`), 3000);
});

describe('binding', () => {
  test('the default bind is 127.0.0.1', () => {
    expect(ferry.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  test('binding elsewhere without --api-key logs a warning; with one it does not', async () => {
    const open = await startFerryProcess({ upstream: upstream.url, args: ['--host', '0.0.0.0'] });
    const guarded = await startFerryProcess({
      upstream: upstream.url,
      args: ['--host', '0.0.0.0', '--api-key', clientKey],
    });
    try {
      await open.waitForLog(/"level":40.*without --api-key/, 3000);
      expect(guarded.logs.join('\n')).not.toMatch(/without --api-key/);
    } finally {
      await open.stop('SIGKILL');
      await guarded.stop('SIGKILL');
    }
  });

  test('a host that cannot be bound gets its error alone, without the open-binding warning', async () => {
    const failed = startFerryProcess({ upstream: upstream.url, args: ['--host', 'no such host'] });
    const error = await failed.then(
      () => new Error('started'),
      (reason: unknown) => reason as Error,
    );
    expect(error.message).toContain('--host: no such host is not an address of this machine');
    expect(error.message).not.toMatch(/without --api-key/);
  });
});
