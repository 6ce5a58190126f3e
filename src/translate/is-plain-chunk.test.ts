import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { isPlainChunk } from './is-plain-chunk.js';
import { openAIChunkSchema } from './openai-chunk-schema.js';

const fixtures = new URL('../../test/fixtures/upstream/', import.meta.url);

/** Every `data:` payload of the recorded vLLM and llama-server streams. */
const recorded = readdirSync(fixtures)
  .filter((name) => name.endsWith('.sse'))
  .flatMap((name) =>
    readFileSync(new URL(name, fixtures), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('data: {'))
      .map((line) => ({ name, chunk: JSON.parse(line.slice(6)) as unknown })),
  );

test('recorded streams are read (fixture sanity)', () => {
  expect(recorded.length).toBeGreaterThan(50);
});

test.each(recorded)('$name: the fast check never accepts what the schema rejects', ({ chunk }) => {
  if (isPlainChunk(chunk)) expect(openAIChunkSchema.safeParse(chunk).success).toBe(true);
});

test('most recorded chunks take the fast path, usage chunks too', () => {
  const plain = recorded.filter(({ chunk }) => isPlainChunk(chunk));
  expect(plain.length / recorded.length).toBeGreaterThan(0.8);
  expect(plain.some(({ chunk }) => (chunk as { usage?: unknown }).usage != null)).toBe(true);
});

const text = (delta: unknown) => ({ choices: [{ index: 0, delta, finish_reason: null }] });

test.each([
  { name: 'text delta', chunk: text({ content: 'hi' }), plain: true },
  { name: 'role chunk with nulls', chunk: text({ role: 'assistant', content: null }), plain: true },
  { name: 'reasoning', chunk: text({ reasoning: 'hm', reasoning_content: null }), plain: true },
  {
    name: 'tool call start',
    chunk: text({
      tool_calls: [
        { index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '' } },
      ],
    }),
    plain: true,
  },
  { name: 'empty choices', chunk: { choices: [] }, plain: true },
  { name: 'finish', chunk: { choices: [{ delta: {}, finish_reason: 'stop' }] }, plain: true },
  { name: 'usage', chunk: { choices: [], usage: { prompt_tokens: 1 } }, plain: true },
  {
    name: 'usage in a text chunk (continuous_usage_stats)',
    chunk: {
      ...text({ content: 'hi' }),
      usage: { prompt_tokens: 9, total_tokens: 11, completion_tokens: 2 },
    },
    plain: true,
  },
  {
    name: 'usage with details',
    chunk: {
      choices: [],
      usage: {
        prompt_tokens: 9,
        prompt_tokens_details: { cached_tokens: 8 },
        completion_tokens_details: { reasoning_tokens: null },
      },
    },
    plain: true,
  },
  {
    name: 'usage count a string',
    chunk: { choices: [], usage: { prompt_tokens: '9' } },
    plain: false,
  },
  {
    name: 'usage details a number',
    chunk: { choices: [], usage: { prompt_tokens: 9, prompt_tokens_details: 3 } },
    plain: false,
  },
  {
    name: 'usage details count a string',
    chunk: { choices: [], usage: { completion_tokens_details: { reasoning_tokens: 'x' } } },
    plain: false,
  },
  { name: 'usage a list', chunk: { choices: [], usage: [] }, plain: false },
  {
    name: 'llama-server timings',
    chunk: { ...text({ content: 'hi' }), timings: { cache_n: 0, prompt_n: 9, prompt_ms: 1.5 } },
    plain: true,
  },
  {
    name: 'timings count a string',
    chunk: { ...text({ content: 'hi' }), timings: { prompt_n: '9' } },
    plain: false,
  },
  { name: 'timings a number', chunk: { ...text({ content: 'hi' }), timings: 3 }, plain: false },
  { name: 'error goes to the schema', chunk: { error: { message: 'x' } }, plain: false },
  { name: 'content not a string', chunk: text({ content: 5 }), plain: false },
  { name: 'choices not a list', chunk: { choices: {} }, plain: false },
  { name: 'choice a list', chunk: { choices: [[]] }, plain: false },
  { name: 'fractional index', chunk: text({ tool_calls: [{ index: 0.5 }] }), plain: false },
  {
    name: 'arguments an object',
    chunk: text({ tool_calls: [{ function: { arguments: {} } }] }),
    plain: false,
  },
  { name: 'finish_reason a number', chunk: { choices: [{ finish_reason: 1 }] }, plain: false },
  { name: 'not an object', chunk: [], plain: false },
])('$name', ({ chunk, plain }) => {
  expect(isPlainChunk(chunk)).toBe(plain);
  if (plain) expect(openAIChunkSchema.safeParse(chunk).success).toBe(true);
});
