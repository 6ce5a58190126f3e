import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { trackFigures } from './helpers/figures.js';
import { ask, sendMessage } from './helpers/send-message.js';
import { killAllFerries, startFerryProcess } from './helpers/start-ferry-process.js';

const tally = trackFigures();
let upstream: ScriptedUpstream;

beforeAll(async () => {
  upstream = await startScriptedUpstream({ models: ['test-model'] });
});
afterAll(async () => {
  killAllFerries();
  await upstream?.close();
});

const slowStream = (ms: number) => ({
  text: 'one two three four five six seven eight',
  chunkSize: 4,
  interChunkDelayMs: ms,
});

test.each(['SIGTERM', 'SIGINT'] as const)(
  '%s: stops accepting, lets the in-flight stream finish, exits 0',
  async (signal) => {
    const ferry = await startFerryProcess({ upstream: upstream.url });
    await upstream.script([slowStream(100)]); // about a second
    const inFlight = sendMessage(ferry.url, { ...ask, stream: true });
    await expect.poll(async () => (await upstream.stats()).inFlight, { timeout: 3000 }).toBe(1);
    const exit = ferry.stop(signal);
    await ferry.waitForLog(/finishing in-flight requests/, 3000);
    const refused = await fetch(`${ferry.url}/health`, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.status,
      () => 'refused',
    );
    expect(refused).not.toBe(200);
    tally.requests();
    expect(tally.sent(await inFlight).kind).toBe('stream');
    const streamEnded = performance.now();
    expect(await exit).toBe(0);
    // It exits once the stream is done, though the client keeps its connection alive: not
    // when the 10 s grace runs out.
    expect(performance.now() - streamEnded).toBeLessThan(5000);
    await upstream.reset();
  },
);

test('a stream longer than shutdownGraceSeconds is cut when the grace ends, and Ferry still exits 0', async () => {
  const ferry = await startFerryProcess({
    upstream: upstream.url,
    // The stream opens (message_start, pings) before the grace ends, though no token came yet.
    config: { shutdownGraceSeconds: 0.5, pingIntervalSeconds: 0.2 },
  });
  await upstream.script([slowStream(1000)]); // about ten seconds
  const inFlight = sendMessage(ferry.url, { ...ask, stream: true });
  await expect.poll(async () => (await upstream.stats()).inFlight, { timeout: 3000 }).toBe(1);
  const started = performance.now();
  expect(await ferry.stop('SIGTERM')).toBe(0);
  expect(performance.now() - started).toBeLessThan(4000);
  const outcome = await inFlight;
  // The client learns the stream is incomplete: it never gets a message_stop, but an error
  // event of a type clients retry.
  expect(outcome).toMatchObject({ kind: 'stream-error', errorType: 'overloaded_error' });
  tally.requests();
});

test('requests without a reply yet when the grace ends get a 529 overloaded_error', async () => {
  const ferry = await startFerryProcess({
    upstream: upstream.url,
    config: { shutdownGraceSeconds: 0.5, pingIntervalSeconds: 30 },
  });
  // Neither reply comes before the grace ends: a non-streamed one waits for the whole message,
  // and the stream for its first token (its ping interval is far off).
  await upstream.script([
    { ...slowStream(1000), delayMs: 10_000 },
    { ...slowStream(1000), delayMs: 10_000 },
  ]);
  const whole = sendMessage(ferry.url, ask);
  const stream = sendMessage(ferry.url, { ...ask, stream: true });
  await expect.poll(async () => (await upstream.stats()).inFlight, { timeout: 3000 }).toBe(2);
  expect(await ferry.stop('SIGTERM')).toBe(0);
  for (const outcome of [await whole, await stream]) {
    expect(outcome).toMatchObject({ kind: 'error', status: 529, errorType: 'overloaded_error' });
  }
  // The upstream's work was cancelled, not left running.
  await expect.poll(async () => (await upstream.stats()).inFlight, { timeout: 3000 }).toBe(0);
  tally.requests(2);
});
