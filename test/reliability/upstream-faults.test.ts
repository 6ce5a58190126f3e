import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  startScriptedUpstream,
  type ScriptedReply,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { chunk, finishChunk, sse, usageChunk } from '../helpers/vllm-chunks.js';
import { trackFigures } from './helpers/figures.js';
import { ask, sendMessage, streamedText, type Outcome } from './helpers/send-message.js';
import {
  killAllFerries,
  startFerryProcess,
  type FerryProcess,
} from './helpers/start-ferry-process.js';
import { closedPort, startStalledListener } from './helpers/stalled-listener.js';

const tally = trackFigures();
const timeouts = {
  connectTimeoutSeconds: 0.5,
  firstByteTimeoutSeconds: 1,
  idleTimeoutSeconds: 1,
  upstreamRetries: 2,
};
let upstream: ScriptedUpstream;
let ferry: FerryProcess;

beforeAll(async () => {
  upstream = await startScriptedUpstream({ models: ['test-model'] });
  ferry = await startFerryProcess({ upstream: upstream.url, config: timeouts });
});
afterAll(async () => {
  killAllFerries();
  await upstream?.close();
});
beforeEach(async () => {
  await upstream.reset();
});

const stream = { ...ask, stream: true };
const good = sse([chunk({ content: 'fine' }), finishChunk('stop'), usageChunk(3, 1)]);

async function timed(send: () => Promise<Outcome>): Promise<{ outcome: Outcome; ms: number }> {
  const started = performance.now();
  const outcome = tally.sent(await send());
  return { outcome, ms: performance.now() - started };
}

async function chatRequests(target = upstream): Promise<number> {
  return (await target.requests()).filter((request) => request.path === '/v1/chat/completions')
    .length;
}

describe('an upstream that answers with an error, before the first byte → the right JSON error', () => {
  const cases: [string, ScriptedReply[], number, string, Record<string, string>, number][] = [
    [
      '429 with retry-after',
      [{ status: 429, headers: { 'retry-after': '7' }, body: { error: { message: 'slow down' } } }],
      429,
      'rate_limit_error',
      { 'retry-after': '7' },
      1,
    ],
    [
      '503 (overloaded) on every attempt, with retry-after',
      Array.from({ length: 3 }, () => ({
        fixture: 'responses/llama-server-loading-503.json',
        headers: { 'retry-after': '5' },
      })),
      529,
      'overloaded_error',
      { 'retry-after': '5' },
      3,
    ],
    ['500 from vLLM', [{ fixture: 'responses/vllm-500.json' }], 500, 'api_error', {}, 1],
    [
      'a 502 HTML page from a proxy, every attempt',
      Array.from({ length: 3 }, () => ({ fixture: 'responses/nginx-502.json' })),
      500,
      'api_error',
      {},
      3,
    ],
    ['a 200 HTML login page', [{ fixture: 'responses/html-200.json' }], 500, 'api_error', {}, 1],
    [
      'a 500 with a Python traceback as plain text',
      [
        {
          status: 500,
          headers: { 'content-type': 'text/plain' },
          body: 'Traceback (most recent call last):\n  File "/usr/lib/python3/dist-packages/vllm/engine.py", line 7, in step\nRuntimeError: engine core died',
        },
      ],
      500,
      'api_error',
      {},
      1,
    ],
    ['a 401 (bad upstream key)', [{ fixture: 'responses/vllm-401.json' }], 500, 'api_error', {}, 1],
  ];
  test.each(
    cases.flatMap(([name, ...rest]) => [
      [`${name}, not streaming`, ...rest, false] as const,
      [`${name}, streaming`, ...rest, true] as const,
    ]),
  )('%s', async (_name, replies, status, type, headers, attempts, streaming) => {
    await upstream.script(replies);
    tally.faults(replies.length);
    const { outcome, ms } = await timed(() => sendMessage(ferry.url, streaming ? stream : ask));
    expect(outcome).toMatchObject({ kind: 'error', status, errorType: type });
    if (outcome.kind !== 'error') return;
    for (const [name, value] of Object.entries(headers))
      expect(outcome.headers.get(name)).toBe(value);
    expect(outcome.message).not.toMatch(
      /<html|<!DOCTYPE|\bat .+\.js:\d+|\/work\/|node_modules|Traceback|File "|\.py\b/i,
    );
    expect(await chatRequests()).toBe(attempts);
    expect(ms).toBeLessThan(3000); // backoff is 200 + 400 ms
  });
});

describe('an upstream that stays silent → 504 timeout_error once the configured timeout passes', () => {
  test('no response headers within firstByteTimeoutSeconds', async () => {
    await upstream.script([{ hang: true }]);
    tally.faults();
    const { outcome, ms } = await timed(() => sendMessage(ferry.url, stream));
    expect(outcome).toMatchObject({ kind: 'error', status: 504, errorType: 'timeout_error' });
    expect(ms).toBeGreaterThan(900);
    expect(ms).toBeLessThan(5000);
    await expect.poll(async () => (await upstream.stats()).aborted, { timeout: 3000 }).toBe(1);
  });

  test('silence inside a stream longer than idleTimeoutSeconds → an SSE error event', async () => {
    await upstream.script([{ sse: [good[0]!, good[1]!, good[1]!], interChunkDelayMs: 2500 }]);
    tally.faults();
    const { outcome, ms } = await timed(() => sendMessage(ferry.url, stream));
    expect(outcome).toMatchObject({ kind: 'stream-error', errorType: 'timeout_error' });
    expect(ms).toBeLessThan(5000);
  });
});

describe('an upstream that dies or babbles mid-stream → the stream ends with an error event', () => {
  test.each<[string, ScriptedReply]>([
    [
      'connection cut after two chunks',
      {
        sse: sse(
          [chunk({ content: 'a' }), chunk({ content: 'b' }), chunk({ content: 'c' })],
          false,
        ),
        cutAfterChunks: 2,
      },
    ],
    ['vLLM cut fixture', { fixture: 'faults/vllm-cut-mid-stream.sse', cutAtEnd: true }],
    [
      'llama-server cut fixture',
      { fixture: 'faults/llama-server-cut-mid-stream.sse', cutAtEnd: true },
    ],
    ['vLLM in-stream error object', { fixture: 'faults/vllm-stream-error.sse' }],
    ['llama-server in-stream error', { fixture: 'faults/llama-server-stream-error.sse' }],
    ['garbage SSE (truncated JSON, HTML)', { fixture: 'faults/garbage.sse' }],
  ])('%s', async (_name, reply) => {
    await upstream.script([reply]);
    tally.faults();
    const { outcome, ms } = await timed(() => sendMessage(ferry.url, stream));
    // Before the first part: a JSON error; after it: an SSE error event. Never message_stop.
    expect(['stream-error', 'error']).toContain(outcome.kind);
    expect(ms).toBeLessThan(3000);
    // Text already sent cannot be unsent: never retried once the client has bytes.
    expect(await chatRequests()).toBe(1);
  });

  test('the upstream process killed mid-stream', async () => {
    const doomed = await startScriptedUpstream({ models: ['test-model'] });
    const local = await startFerryProcess({ upstream: doomed.url, config: timeouts });
    try {
      await doomed.script([
        {
          sse: sse(Array.from({ length: 50 }, () => chunk({ content: 'x' }))),
          interChunkDelayMs: 50,
        },
      ]);
      tally.faults();
      const pending = timed(() => sendMessage(local.url, stream));
      await new Promise((resolve) => setTimeout(resolve, 400));
      await doomed.close();
      const { outcome, ms } = await pending;
      expect(outcome.kind).toBe('stream-error');
      expect(ms).toBeLessThan(4000);
      // And with the upstream gone for good: a quick JSON error, not a hang.
      const after = await timed(() => sendMessage(local.url, stream));
      expect(after.outcome).toMatchObject({ kind: 'error', status: 500, errorType: 'api_error' });
      expect(after.ms).toBeLessThan(3000);
    } finally {
      await local.stop('SIGKILL');
      await doomed.close();
    }
  });
});

describe('retries before the first byte, never after', () => {
  test('a 503 and a 502, then success: the client only sees the success', async () => {
    await upstream.script([
      { fixture: 'responses/proxy-503.json' },
      { fixture: 'responses/nginx-502.json' },
      { sse: good },
    ]);
    tally.faults(2);
    const { outcome } = await timed(() => sendMessage(ferry.url, stream));
    expect(outcome.kind).toBe('stream');
    if (outcome.kind === 'stream') expect(streamedText(outcome.events)).toBe('fine');
    expect(await chatRequests()).toBe(3);
  });
});

describe('an upstream that cannot be reached', () => {
  test('connection refused → 500 api_error within the bounded retries', async () => {
    const local = await startFerryProcess({
      upstream: `http://127.0.0.1:${await closedPort()}/v1`,
      config: timeouts,
    });
    try {
      for (const body of [ask, stream]) {
        tally.faults();
        const { outcome, ms } = await timed(() => sendMessage(local.url, body));
        expect(outcome).toMatchObject({ kind: 'error', status: 500, errorType: 'api_error' });
        if (outcome.kind === 'error') expect(outcome.message).toMatch(/unreachable/);
        expect(ms).toBeLessThan(3000);
      }
    } finally {
      await local.stop('SIGKILL');
    }
  });

  test('a connect that never completes → 504 timeout_error after connectTimeoutSeconds', async () => {
    const stalled = await startStalledListener();
    const local = await startFerryProcess({
      upstream: `http://127.0.0.1:${stalled.port}/v1`,
      args: ['--served-model-name', 'test-model'],
      config: timeouts,
    });
    try {
      tally.faults();
      const { outcome, ms } = await timed(() => sendMessage(local.url, stream));
      expect(outcome).toMatchObject({ kind: 'error', status: 504, errorType: 'timeout_error' });
      expect(ms).toBeLessThan(4000);
    } finally {
      await local.stop('SIGKILL');
      stalled.close();
    }
  });
});

test('through all of it the first Ferry kept serving', async () => {
  await upstream.script([{ sse: good }]);
  expect(tally.sent(await sendMessage(ferry.url, stream)).kind).toBe('stream');
});
