import { expect, test } from 'vitest';
import type { ModelStreamPart } from '../model/model-stream-part.js';
import { StopSequenceEnforcer } from './enforce-stop-sequences.js';

function run(sequences: string[], pieces: string[]): { text: string; stop?: string } {
  const enforcer = new StopSequenceEnforcer(sequences);
  const parts: ModelStreamPart[] = [];
  for (const piece of pieces) {
    parts.push(...enforcer.push({ type: 'text-delta', text: piece }));
    if (enforcer.stopped) break;
  }
  parts.push(...enforcer.finish());
  const text = parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
  const finish = parts.find((part) => part.type === 'finish');
  return finish?.type === 'finish' && finish.stopSequence !== undefined
    ? { text, stop: finish.stopSequence }
    : { text };
}

/** Every way of cutting `text` in two. */
const splits = (text: string) =>
  Array.from({ length: text.length + 1 }, (_, i) => [text.slice(0, i), text.slice(i)]);

test.each(splits('Hello world END tail'))('a sequence split as %j / %j still matches', (a, b) => {
  expect(run(['END'], [a, b])).toEqual({ text: 'Hello world ', stop: 'END' });
});

test.each(splits('an ENDLESS story'))('near-misses are released as text (%j / %j)', (a, b) => {
  expect(run(['ENDX'], [a, b])).toEqual({ text: 'an ENDLESS story' });
});

test('the earliest of several sequences wins', () => {
  expect(run(['###', 'STOP'], ['one STOP two ###'])).toEqual({ text: 'one ', stop: 'STOP' });
});

test('without sequences parts pass straight through', () => {
  expect(run([], ['a', 'b'])).toEqual({ text: 'ab' });
});
