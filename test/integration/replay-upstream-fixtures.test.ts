import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { startFerry, type TestFerry } from '../helpers/start-ferry.js';

/**
 * Every captured-shape upstream stream in test/fixtures/upstream/ is replayed through Ferry; the
 * exact Anthropic event sequence (ids normalised) and the SDK's accumulated message must match
 * the reviewed `.expected.json` beside it. FERRY_UPDATE_FIXTURES=1 writes missing expectations.
 */
const dir = new URL('../fixtures/upstream/', import.meta.url);
const fixtures = readdirSync(dir).filter((name) => name.endsWith('.sse'));

let upstream: ScriptedUpstream;
let ferry: TestFerry;
beforeAll(async () => {
  upstream = await startScriptedUpstream({ flavor: 'vllm', models: ['qwen3-coder'] });
  ferry = await startFerry({ upstream: upstream.url });
});
afterAll(async () => {
  await ferry?.close();
  await upstream?.close();
});

const request = {
  model: 'claude-sonnet-5-5',
  max_tokens: 1000,
  messages: [{ role: 'user' as const, content: 'go' }],
  // Reasoning fixtures reach the client as thinking blocks only where thinking is on, and
  // tool calls as tool_use blocks only where the request offers the tools.
  thinking: { type: 'adaptive' as const },
  tools: ['Bash', 'Glob', 'Grep', 'Read', 'Write', 'get_weather'].map((name) => ({
    name,
    input_schema: { type: 'object' as const, properties: {} },
  })),
};

function normalise(text: string): string {
  return text
    .replace(/msg_01[A-Za-z0-9]{22}/g, 'msg_ID')
    .replace(/toolu_01[A-Za-z0-9]{22}/g, 'toolu_ID');
}

async function replayRaw(fixture: string): Promise<unknown[]> {
  await upstream.script([{ fixture }]);
  const response = await fetch(`${ferry.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...request, stream: true }),
  });
  const text = normalise(await response.text());
  return text
    .split('\n\n')
    .filter((frame) => frame.startsWith('event: ') && !frame.startsWith('event: ping'))
    .map((frame) => {
      const [eventLine, dataLine] = frame.split('\n');
      const data = JSON.parse(dataLine?.slice('data: '.length) ?? 'null') as { type: string };
      expect(eventLine).toBe(`event: ${data.type}`);
      return data;
    });
}

test.each(fixtures)('%s replays to the reviewed event sequence and message', async (fixture) => {
  const events = await replayRaw(fixture);
  await upstream.script([{ fixture }]);
  const message = await ferry.client().messages.stream(request).finalMessage();
  const actual = { events, message: JSON.parse(normalise(JSON.stringify(message))) as unknown };
  const expectedFile = new URL(fixture.replace(/\.sse$/, '.expected.json'), dir);
  if (!existsSync(expectedFile) && process.env.FERRY_UPDATE_FIXTURES === '1') {
    writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
  }
  expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));
});
