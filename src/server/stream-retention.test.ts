import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, test } from 'vitest';
import type { ModelStreamBatch } from '../model/model-stream-part.js';
import { parseTextParts } from '../parsers/parse-text-parts.js';
import { getToolCallParser } from '../parsers/tool-call-parsers.js';
import { streamMessageEvents } from './stream-message-events.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * A stream waiting for its next read must not keep its last batch alive: under load every open
 * stream would otherwise carry it through each garbage collection (suspended async generators
 * keep their frames' variables, and a `for await` binding cannot be cleared).
 */
test('the pipeline stages drop a batch once it has moved on, while the next is awaited', async () => {
  let release: () => void = () => undefined;
  const waiting = new Promise<void>((resolve) => (release = resolve));
  const sent: WeakRef<object>[] = [];
  async function* source(): AsyncGenerator<ModelStreamBatch> {
    let batch: ModelStreamBatch | undefined = [
      { type: 'usage', usage: { inputTokens: 3, outputTokens: 0 } },
      { type: 'text-delta', text: 'hello' },
    ];
    sent.push(new WeakRef(batch), new WeakRef(batch[1]!));
    yield batch;
    batch = undefined;
    await waiting; // the next read is slow to come
    yield [{ type: 'finish', reason: 'end-turn' }];
  }
  const parsed = parseTextParts(source(), {
    parsers: { toolCalls: getToolCallParser('hermes') },
    toolSchemas: new Map(),
  });
  const events = streamMessageEvents(parsed, { model: 'm', stopSequences: [] });
  let first: IteratorResult<unknown> | undefined = await events.next();
  expect(first.done).toBe(false);
  const yielded = new WeakRef(first.value as object);
  first = undefined;
  const next = events.next(); // every stage is now suspended, awaiting the source
  for (let round = 0; round < 3; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  expect(sent.map((ref) => ref.deref() === undefined)).toEqual([true, true]);
  expect(yielded.deref()).toBeUndefined();
  release();
  const rest = await next;
  expect(rest.done).toBe(false);
  await events.return(undefined);
});
