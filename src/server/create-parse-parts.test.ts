import { expect, test } from 'vitest';
import type { ModelRequest } from '../model/model-request.js';
import type { ModelStreamBatch } from '../model/model-stream-part.js';
import { createParseParts } from './create-parse-parts.js';

const request: ModelRequest = {
  model: 'qwen3-8b',
  chat: { model: 'qwen3-8b', messages: [], stream: true },
  stopSequences: [],
  toolSchemas: new Map(),
};

async function parsed(parsers: { toolCallParser?: string; reasoningParser?: string }) {
  const batches: AsyncIterable<ModelStreamBatch> = {
    async *[Symbol.asyncIterator]() {
      yield await Promise.resolve<ModelStreamBatch>([
        { type: 'text-delta', text: '<think>plan</think>Hi' },
      ]);
    },
  };
  const parse = createParseParts(parsers);
  const out: ModelStreamBatch = [];
  for await (const batch of parse ? parse(batches, request) : batches) out.push(...batch);
  return out;
}

test('none turns a parser off, where auto would choose one', async () => {
  expect(await parsed({ reasoningParser: 'none', toolCallParser: 'none' })).toEqual([
    { type: 'text-delta', text: '<think>plan</think>Hi' },
  ]);
  expect((await parsed({ reasoningParser: 'auto' })).map((part) => part.type)).toContain(
    'reasoning-delta',
  );
});

test('an unknown name stops start-up naming the flag and the valid ones', () => {
  expect(() => createParseParts({ reasoningParser: 'bogus' })).toThrow(
    /^--reasoning-parser: .*qwen3/,
  );
});
