import net from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { trackFigures } from './helpers/figures.js';
import { ask, sendMessage } from './helpers/send-message.js';
import {
  killAllFerries,
  startFerryProcess,
  type FerryProcess,
} from './helpers/start-ferry-process.js';

const tally = trackFigures();
let upstream: ScriptedUpstream;
let ferry: FerryProcess;

beforeAll(async () => {
  // The default reply is ~32 MB of text in 4 KB deltas: far more than socket buffers hold.
  upstream = await startScriptedUpstream({
    models: ['test-model'],
    defaultReply: 'x'.repeat(4000),
    tokens: 8000,
  });
  ferry = await startFerryProcess({ upstream: upstream.url });
});
afterAll(async () => {
  killAllFerries();
  await upstream?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a streaming request on a raw socket and never reads the answer. */
function stalledClient(port: number): net.Socket {
  const body = JSON.stringify({ ...ask, max_tokens: 100_000, stream: true });
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  socket.write(
    `POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.pause();
  return socket;
}

test('a client that stops reading: Ferry stops reading too, memory stays bounded, others stay fast; its disconnect aborts the upstream', async () => {
  const rssBefore = await ferry.rssBytes();
  const stalled = stalledClient(ferry.port);
  tally.requests();
  tally.faults();
  await expect.poll(async () => (await upstream.stats()).inFlight, { timeout: 5000 }).toBe(1);
  await sleep(1500);
  // Had Ferry buffered the reply, the upstream would have written all 32 MB and finished.
  const chat = (await upstream.requests()).filter((r) => r.path === '/v1/chat/completions');
  expect(chat.map((r) => r.completed)).toEqual([false]);
  expect((await upstream.stats()).inFlight).toBe(1);
  expect((await ferry.rssBytes()) - rssBefore).toBeLessThan(48 * 1024 * 1024);

  await upstream.script([{ text: 'quick answer' }]);
  const started = performance.now();
  const other = tally.sent(await sendMessage(ferry.url, { ...ask, stream: true }));
  expect(other.kind).toBe('stream');
  expect(performance.now() - started).toBeLessThan(1000);

  stalled.destroy();
  await expect.poll(async () => (await upstream.stats()).aborted, { timeout: 3000 }).toBe(1);
});

test('a client that disconnects before the first byte cancels the upstream request at once', async () => {
  await upstream.reset();
  await upstream.script([{ hang: true }]);
  tally.faults();
  tally.requests();
  const controller = new AbortController();
  const pending = fetch(`${ferry.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...ask, stream: true }),
    signal: controller.signal,
  }).catch(() => undefined);
  await expect.poll(async () => (await upstream.stats()).inFlight, { timeout: 3000 }).toBe(1);
  const aborted = performance.now();
  controller.abort();
  await pending;
  await expect.poll(async () => (await upstream.stats()).aborted, { timeout: 3000 }).toBe(1);
  expect(performance.now() - aborted).toBeLessThan(1500);
});
