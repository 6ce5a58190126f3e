import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { trackFigures } from './helpers/figures.js';
import { ask, sendMessage, streamedText } from './helpers/send-message.js';
import {
  killAllFerries,
  startFerryProcess,
  type FerryProcess,
} from './helpers/start-ferry-process.js';

const tally = trackFigures();
let upstream: ScriptedUpstream;
let ferry: FerryProcess;

beforeAll(async () => {
  // No scripted replies: the upstream echoes each request's last user message, so every
  // stream's text is known in advance and unique. maxLog 0: 1,000 requests are not kept there.
  upstream = await startScriptedUpstream({ models: ['test-model'], maxLog: 0 });
  ferry = await startFerryProcess({ upstream: upstream.url });
});
afterAll(async () => {
  killAllFerries();
  await upstream?.close();
});

test('100 concurrent streams each arrive whole, in order, and untangled', async () => {
  // Single spaces only: the upstream's echo collapses whitespace.
  const words = (i: number) =>
    [
      'stream',
      i,
      'carries',
      'é€😀'.repeat(i % 4),
      (i * 7919).toString(36),
      'word '.repeat(i % 9),
      'end',
    ]
      .map((part) => String(part).trim())
      .filter((part) => part !== '')
      .join(' ');
  const outcomes = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      sendMessage(
        ferry.url,
        { ...ask, stream: true, messages: [{ role: 'user', content: words(i) }] },
        { timeoutMs: 30_000 },
      ).then((outcome) => tally.sent(outcome)),
    ),
  );
  outcomes.forEach((outcome, i) => {
    expect(outcome.kind, `stream ${i}`).toBe('stream');
    if (outcome.kind !== 'stream') return;
    expect(streamedText(outcome.events)).toBe(`You said: ${words(i)}`);
    expect(outcome.events.map((event) => event.event).slice(0, 2)).toEqual([
      'message_start',
      'content_block_start',
    ]);
  });
});

test('1,000 sequential requests leave memory flat', async () => {
  // Each request carries ~16 KB: keeping one request per request would be ~16 MB here.
  const prompt = (i: number) => `request ${i} ${'lorem ipsum '.repeat(1400)}`;
  const send = async (i: number) => {
    const body = { ...ask, stream: i % 2 === 0, messages: [{ role: 'user', content: prompt(i) }] };
    const outcome = tally.sent(await sendMessage(ferry.url, body, { timeoutMs: 10_000 }));
    expect(outcome.kind).toBe(i % 2 === 0 ? 'stream' : 'message');
  };
  for (let i = 0; i < 200; i++) await send(i); // warm-up: JIT, pools, caches
  const heap: number[] = [];
  const rssBefore = await ferry.rssBytes();
  for (let i = 0; i < 1000; i++) {
    await send(i);
    if (i % 50 === 49) heap.push(await heapUsed(ferry.url));
  }
  const rssAfter = await ferry.rssBytes();
  // Garbage comes and goes with each GC; a leak only grows. Compare the lows.
  const growth = Math.min(...heap.slice(-5)) - Math.min(...heap.slice(0, 5));
  tally.memory({ rssBeforeBytes: rssBefore, rssAfterBytes: rssAfter, heapGrowthBytes: growth });
  expect(growth).toBeLessThan(8 * 1024 * 1024);
  expect(rssAfter - rssBefore).toBeLessThan(64 * 1024 * 1024);
}, 60_000);

async function heapUsed(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const match = /^ferry_nodejs_heap_size_used_bytes (\d+)/m.exec(text);
  return Number(match?.[1]);
}
