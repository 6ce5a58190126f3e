import { expect, test } from 'vitest';
import type { ModelStreamPart } from '../model/model-stream-part.js';
import { OneToolCallLimit } from './limit-to-one-tool-call.js';

const start = (id: string): ModelStreamPart => ({ type: 'tool-call-start', id, name: 'Bash' });
const delta = (id: string, argumentsDelta: string): ModelStreamPart => ({
  type: 'tool-call-delta',
  id,
  argumentsDelta,
});
const end = (id: string): ModelStreamPart => ({ type: 'tool-call-end', id });
const text = (value: string): ModelStreamPart => ({ type: 'text-delta', text: value });
const finish: ModelStreamPart = { type: 'finish', reason: 'tool-calls' };
const cut: ModelStreamPart = { type: 'finish', reason: 'max-tokens' };
const usage: ModelStreamPart = { type: 'usage', usage: { inputTokens: 9, outputTokens: 7 } };

test.each<{ name: string; parts: ModelStreamPart[]; kept: ModelStreamPart[]; stopped: boolean }>([
  {
    name: 'text and one call pass; the reply ends at the call’s end',
    parts: [text('ok'), start('a'), delta('a', '{}'), end('a'), text('more'), start('b')],
    kept: [text('ok'), start('a'), delta('a', '{}'), end('a'), finish],
    stopped: true,
  },
  {
    name: 'a second call starting before the first ends ends the reply',
    parts: [start('a'), delta('a', '{"x":'), start('b'), delta('b', '{}'), delta('a', '1}')],
    kept: [start('a'), delta('a', '{"x":'), finish],
    stopped: true,
  },
  {
    name: 'the engine’s usage and finish right after the call pass (a cut-off call: max_tokens)',
    parts: [start('a'), delta('a', '{"x":'), end('a'), usage, cut],
    kept: [start('a'), delta('a', '{"x":'), end('a'), usage, cut],
    stopped: false,
  },
  {
    name: 'anything else after the call ends the reply, even after usage',
    parts: [start('a'), end('a'), usage, text(' ')],
    kept: [start('a'), end('a'), usage, finish],
    stopped: true,
  },
  {
    name: 'text after the call ends the reply even before the call’s end (an upstream’s call ends at its finish)',
    parts: [start('a'), delta('a', '{}'), text('and more'), end('a'), usage],
    kept: [start('a'), delta('a', '{}'), finish, usage],
    stopped: true,
  },
  {
    name: 'no calls: everything passes',
    parts: [text('a'), text('b'), { type: 'finish', reason: 'end-turn' }],
    kept: [text('a'), text('b'), { type: 'finish', reason: 'end-turn' }],
    stopped: false,
  },
])('$name', ({ parts, kept, stopped }) => {
  const limit = new OneToolCallLimit();
  expect(parts.flatMap((part) => limit.push(part))).toEqual(kept);
  expect(limit.stopped).toBe(stopped);
});
