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

async function parsed(
  parsers: { toolCallParser?: string; reasoningParser?: string },
  text = '<think>plan</think>Hi',
  asked: ModelRequest = request,
) {
  const batches: AsyncIterable<ModelStreamBatch> = {
    async *[Symbol.asyncIterator]() {
      yield await Promise.resolve<ModelStreamBatch>([{ type: 'text-delta', text }]);
    },
  };
  const parse = createParseParts(parsers);
  const out: ModelStreamBatch = [];
  for await (const batch of parse ? parse(batches, asked) : batches) out.push(...batch);
  return out;
}

const withThinking = (enable_thinking: boolean): ModelRequest => ({
  ...request,
  chat: { ...request.chat, chat_template_kwargs: { enable_thinking, thinking: enable_thinking } },
  ...(enable_thinking ? {} : { hidesReasoning: true }),
});

test('thinking switched off: a hybrid model writes no block, a deepseek_r1 model still does', async () => {
  // Hybrid Qwen3 answers plainly when told not to think; its text is the reply.
  expect(await parsed({ reasoningParser: 'qwen3' }, 'Hi', withThinking(false))).toEqual([
    { type: 'text-delta', text: 'Hi' },
  ]);
  // R1's template opens the block whatever the switch says: the reasoning is still read as
  // such (and left out of the reply), not passed on as text with its `</think>`.
  const r1 = await parsed(
    { reasoningParser: 'deepseek_r1' },
    'plan</think>Hi',
    withThinking(false),
  );
  expect(r1).toEqual([
    { type: 'reasoning-delta', text: 'plan' },
    { type: 'text-delta', text: 'Hi' },
  ]);
});

test('deepseek_v3 reads reasoning only when the request switched thinking on', async () => {
  const types = async (asked: ModelRequest) =>
    (await parsed({ reasoningParser: 'deepseek_v3' }, 'plan</think>Hi', asked)).map(
      (part) => part.type,
    );
  expect(await types(withThinking(true))).toEqual(['reasoning-delta', 'text-delta']);
  expect(await types(request)).toEqual(['text-delta']);
});

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
