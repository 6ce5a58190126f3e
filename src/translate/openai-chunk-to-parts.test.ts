import { describe, expect, test } from 'vitest';
import type { ModelStreamPart } from '../model/model-stream-part.js';
import type { OpenAIChunk } from './openai-chunk-schema.js';
import { OpenAIChunkToParts } from './openai-chunk-to-parts.js';

type Delta = NonNullable<NonNullable<OpenAIChunk['choices']>[number]['delta']>;
const delta = (d: Delta, finish: string | null = null): OpenAIChunk => ({
  choices: [{ delta: d, finish_reason: finish }],
});
const call = (index: number, fields: { id?: string; name?: string; args?: string }) => ({
  index,
  id: fields.id ?? null,
  function: { name: fields.name ?? null, arguments: fields.args ?? null },
});
/** A call delta without `index`, as Ollama sent them before v0.4.7. */
const unindexed = (fields: { id?: string; name?: string; args?: string }) => {
  const { index: _index, ...rest } = call(0, fields);
  return rest;
};

function run(chunks: OpenAIChunk[]): ModelStreamPart[] {
  const machine = new OpenAIChunkToParts();
  return [...chunks.flatMap((chunk) => machine.push(chunk)), ...machine.finish()];
}

/** Tool calls as the client will see them: name and concatenated arguments, in block order. */
function calls(parts: ModelStreamPart[]): Array<{ name: string; args: string }> {
  const byId = new Map<string, { name: string; args: string }>();
  for (const part of parts) {
    if (part.type === 'tool-call-start') byId.set(part.id, { name: part.name, args: '' });
    if (part.type === 'tool-call-delta') byId.get(part.id)!.args += part.argumentsDelta;
  }
  return [...byId.values()];
}

describe('OpenAIChunkToParts', () => {
  test('text, reasoning (both field names), finish and usage', () => {
    const parts = run([
      delta({ content: '' }),
      delta({ reasoning_content: 'think ' }),
      delta({ reasoning: 'more' }),
      delta({ content: 'Hi' }),
      delta({}, 'stop'),
      {
        choices: [],
        usage: {
          prompt_tokens: 10,
          completion_tokens: 3,
          prompt_tokens_details: { cached_tokens: 8 },
        },
      },
    ]);
    expect(parts).toEqual([
      { type: 'reasoning-delta', text: 'think ' },
      { type: 'reasoning-delta', text: 'more' },
      { type: 'text-delta', text: 'Hi' },
      { type: 'finish', reason: 'end-turn' },
      { type: 'usage', usage: { inputTokens: 10, outputTokens: 3, cachedInputTokens: 8 } },
    ]);
  });

  test('usage in every chunk (vLLM continuous_usage_stats) comes before the text it counts', () => {
    const counts = (completion: number) => ({
      prompt_tokens: 10,
      total_tokens: 10 + completion,
      completion_tokens: completion,
    });
    const parts = run([
      { ...delta({ role: 'assistant', content: '' } as Delta), usage: counts(0) },
      { ...delta({ content: 'Hi' }), usage: counts(1) },
      { ...delta({}, 'stop'), usage: counts(1) },
      { choices: [], usage: counts(1) },
    ]);
    // The first counts (for message_start) and the final ones; those between add nothing.
    expect(parts).toEqual([
      { type: 'usage', usage: { inputTokens: 10, outputTokens: 0 } },
      { type: 'text-delta', text: 'Hi' },
      { type: 'usage', usage: { inputTokens: 10, outputTokens: 1 } },
      { type: 'finish', reason: 'end-turn' },
      { type: 'usage', usage: { inputTokens: 10, outputTokens: 1 } },
    ]);
  });

  test("llama-server's timings stand in for usage until usage comes", () => {
    const timings = { cache_n: 6, prompt_n: 4, prompt_ms: 3.1, predicted_n: 1, predicted_ms: 9 };
    const parts = run([
      delta({ role: 'assistant', content: null } as Delta),
      { ...delta({ content: 'Hi' }), timings },
      { ...delta({ content: '!' }), timings: { ...timings, predicted_n: 2 } },
      { ...delta({}, 'stop'), timings: { prompt_n: -1 } },
      {
        choices: [],
        usage: {
          prompt_tokens: 10,
          completion_tokens: 2,
          prompt_tokens_details: { cached_tokens: 6 },
        },
        timings: { ...timings, predicted_n: 2 },
      },
    ]);
    const usage = (outputTokens: number) => ({
      type: 'usage',
      usage: { inputTokens: 10, outputTokens, cachedInputTokens: 6 },
    });
    expect(parts).toEqual([
      usage(1),
      { type: 'text-delta', text: 'Hi' },
      { type: 'text-delta', text: '!' },
      // prompt_n -1 is llama-server's "not measured": no count from that chunk
      { type: 'finish', reason: 'end-turn' },
      usage(2),
    ]);
  });

  test("the upstream's reasoning token count, where it reports one", () => {
    const usage = {
      prompt_tokens: 10,
      completion_tokens: 30,
      completion_tokens_details: { reasoning_tokens: 21 },
    };
    expect(run([delta({ content: 'Hi' }, 'stop'), { choices: [], usage }]).at(-1)).toEqual({
      type: 'usage',
      usage: { inputTokens: 10, outputTokens: 30, reasoningTokens: 21 },
    });
  });

  test('without a reasoning count, counts in every chunk tell the thinking tokens', () => {
    const counts = (completion: number) => ({ prompt_tokens: 10, completion_tokens: completion });
    const finalUsage = (chunks: OpenAIChunk[]) =>
      run(chunks)
        .filter((part) => part.type === 'usage')
        .at(-1);
    // vLLM: reasoning in chunks of its own, then the answer.
    expect(
      finalUsage([
        { ...delta({ reasoning_content: 'Let' }), usage: counts(1) },
        { ...delta({ reasoning_content: ' me think.' }), usage: counts(4) },
        { ...delta({ content: 'Hi' }), usage: counts(6) },
        { ...delta({}, 'stop'), usage: counts(6) },
      ]),
    ).toEqual({ type: 'usage', usage: { inputTokens: 10, outputTokens: 6, reasoningTokens: 4 } });
    // One chunk with reasoning and the answer (a non-streamed reply) cannot be split: no count.
    expect(
      finalUsage([
        { ...delta({ reasoning_content: 'Hmm.', content: 'Hi' }, 'stop'), usage: counts(6) },
      ]),
    ).toEqual({ type: 'usage', usage: { inputTokens: 10, outputTokens: 6 } });
  });

  test.each([
    {
      name: 'arguments split over many chunks, id only in the first',
      chunks: [
        delta({ tool_calls: [call(0, { id: 'c1', name: 'Bash', args: '' })] }),
        delta({ tool_calls: [call(0, { args: '{"comm' })] }),
        delta({ tool_calls: [call(0, { args: 'and": "ls"}' })] }),
        delta({}, 'tool_calls'),
      ],
      expected: [{ name: 'Bash', args: '{"command": "ls"}' }],
    },
    {
      name: 'the whole call in one chunk',
      chunks: [
        delta({ tool_calls: [call(0, { id: 'c1', name: 'Read', args: '{"file_path":"/x"}' })] }),
        delta({}, 'tool_calls'),
      ],
      expected: [{ name: 'Read', args: '{"file_path":"/x"}' }],
    },
    {
      name: 'arguments in the same chunk as finish_reason',
      chunks: [
        delta({ tool_calls: [call(0, { id: 'c1', name: 'Bash' })] }),
        delta({ tool_calls: [call(0, { args: '{"command":"pwd"}' })] }, 'tool_calls'),
      ],
      expected: [{ name: 'Bash', args: '{"command":"pwd"}' }],
    },
    {
      name: 'parallel calls, sequential',
      chunks: [
        delta({ tool_calls: [call(0, { id: 'a', name: 'Read', args: '{"file_path":"/a"}' })] }),
        delta({ tool_calls: [call(1, { id: 'b', name: 'Read', args: '{"file_path":' })] }),
        delta({ tool_calls: [call(1, { args: '"/b"}' })] }),
        delta({}, 'tool_calls'),
      ],
      expected: [
        { name: 'Read', args: '{"file_path":"/a"}' },
        { name: 'Read', args: '{"file_path":"/b"}' },
      ],
    },
    {
      name: 'parallel calls interleaved by index, ids only first',
      chunks: [
        delta({ tool_calls: [call(0, { id: 'a', name: 'Read', args: '{"file_' })] }),
        delta({ tool_calls: [call(1, { id: 'b', name: 'Bash', args: '{"comm' })] }),
        delta({ tool_calls: [call(0, { args: 'path":"/a"}' })] }),
        delta({ tool_calls: [call(1, { args: 'and":"ls"}' })] }),
        delta({}, 'tool_calls'),
      ],
      expected: [
        { name: 'Read', args: '{"file_path":"/a"}' },
        { name: 'Bash', args: '{"command":"ls"}' },
      ],
    },
    {
      name: 'invalid JSON is passed as it came, not replaced by {}',
      chunks: [
        delta({ tool_calls: [call(0, { id: 'a', name: 'Bash', args: '{"command": ls' })] }),
        delta({}, 'tool_calls'),
      ],
      expected: [{ name: 'Bash', args: '{"command": ls' }],
    },
    {
      name: 'no index, two calls in one chunk (Ollama < 0.4.7)',
      chunks: [
        delta({
          tool_calls: [
            unindexed({ id: 'call_a1', name: 'get_weather', args: '{"city":"Paris"}' }),
            unindexed({ id: 'call_b2', name: 'get_time', args: '{}' }),
          ],
        }),
        delta({}, 'tool_calls'),
      ],
      expected: [
        { name: 'get_weather', args: '{"city":"Paris"}' },
        { name: 'get_time', args: '{}' },
      ],
    },
    {
      name: 'no index, one call per chunk: a new id is a new call',
      chunks: [
        delta({
          tool_calls: [unindexed({ id: 'call_1', name: 'get_weather', args: '{"city":"Paris"}' })],
        }),
        delta({ tool_calls: [unindexed({ id: 'call_2', name: 'get_time', args: '{}' })] }),
        delta({}, 'tool_calls'),
      ],
      expected: [
        { name: 'get_weather', args: '{"city":"Paris"}' },
        { name: 'get_time', args: '{}' },
      ],
    },
    {
      name: 'no index, no ids: a new name is a new call',
      chunks: [
        delta({ tool_calls: [unindexed({ name: 'Read', args: '{"file_path":"/a"}' })] }),
        delta({ tool_calls: [unindexed({ name: 'Bash', args: '{"command":"ls"}' })] }),
        delta({}, 'tool_calls'),
      ],
      expected: [
        { name: 'Read', args: '{"file_path":"/a"}' },
        { name: 'Bash', args: '{"command":"ls"}' },
      ],
    },
    {
      name: 'no index, arguments split, id repeated or left out: one call',
      chunks: [
        delta({ tool_calls: [unindexed({ id: 'c1', name: 'Bash', args: '{"comm' })] }),
        delta({ tool_calls: [unindexed({ id: 'c1', args: 'and":' })] }),
        delta({ tool_calls: [unindexed({ args: '"ls"}' })] }),
        delta({}, 'tool_calls'),
      ],
      expected: [{ name: 'Bash', args: '{"command":"ls"}' }],
    },
  ])('tool calls: $name', ({ chunks, expected }) => {
    const parts = run(chunks);
    expect(calls(parts)).toEqual(expected);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
    const opens = parts.filter((part) => part.type === 'tool-call-start').length;
    const closes = parts.filter((part) => part.type === 'tool-call-end').length;
    expect(opens).toBe(closes);
  });

  test('each call is started, streamed and ended before the next starts', () => {
    const parts = run([
      delta({ tool_calls: [call(0, { id: 'a', name: 'A', args: '{' })] }),
      delta({ tool_calls: [call(1, { id: 'b', name: 'B', args: '{' })] }),
      delta({ tool_calls: [call(0, { args: '}' })] }),
      delta({ tool_calls: [call(1, { args: '}' })] }, 'tool_calls'),
    ]);
    expect(parts.map((part) => part.type)).toEqual([
      'tool-call-start',
      'tool-call-delta',
      'tool-call-delta',
      'tool-call-end',
      'tool-call-start',
      'tool-call-delta',
      'tool-call-end',
      'finish',
    ]);
  });

  test('a stream that ends without finish_reason is an error', () => {
    const machine = new OpenAIChunkToParts();
    machine.push(delta({ content: 'half' }));
    expect(() => machine.finish()).toThrow('ended before the model finished');
  });

  test.each([
    ['stop', 'end-turn'],
    ['length', 'max-tokens'],
    ['tool_calls', 'tool-calls'],
    ['function_call', 'tool-calls'],
    ['content_filter', 'refusal'],
    ['something_new', 'end-turn'],
  ])('finish_reason %s → %s', (reason, expected) => {
    expect(run([delta({}, reason)])).toEqual([{ type: 'finish', reason: expected }]);
  });
});

const usage = { prompt_tokens: 10, completion_tokens: 2 };
test.each<[string, OpenAIChunk[], boolean]>([
  ['finish, no usage', [delta({ content: 'Hi' }), delta({}, 'stop')], false],
  [
    'usage before the finish only',
    [{ ...delta({ content: 'Hi' }), usage }, delta({}, 'stop')],
    false,
  ],
  ['usage in the finish chunk', [delta({ content: 'Hi' }), { ...delta({}, 'stop'), usage }], true],
  ['usage after the finish', [delta({}, 'stop'), { choices: [], usage }], true],
  ['usage, no finish', [{ choices: [], usage }], false],
])('whole: %s → %s', (_name, chunks, whole) => {
  const machine = new OpenAIChunkToParts();
  for (const chunk of chunks) machine.push(chunk);
  expect(machine.whole).toBe(whole);
});

// LM Studio's `{"index":0,"id":"","type":"function"}` (lmstudio-bug-tracker #830).
const emptyCall = { index: 0, id: '' };
test.each<[string, OpenAIChunk[], ModelStreamPart[]]>([
  [
    'the only call',
    [delta({ content: 'Done.' }), delta({ tool_calls: [emptyCall] }), delta({}, 'tool_calls')],
    [
      { type: 'text-delta', text: 'Done.' },
      // The message builder's stop reason is end_turn: no tool_use block was sent.
      { type: 'finish', reason: 'tool-calls' },
    ],
  ],
  [
    'beside a real call',
    [
      delta({ tool_calls: [call(0, { id: 'a', name: 'Bash', args: '{}' })] }),
      delta({ tool_calls: [{ index: 1, id: '' }] }),
      delta({}, 'tool_calls'),
    ],
    [
      { type: 'tool-call-start', id: 'a', name: 'Bash' },
      { type: 'tool-call-delta', id: 'a', argumentsDelta: '{}' },
      { type: 'tool-call-end', id: 'a' },
      { type: 'finish', reason: 'tool-calls' },
    ],
  ],
])('a call with neither name nor arguments is dropped and reported: %s', (_name, chunks, parts) => {
  const warnings: string[] = [];
  const machine = new OpenAIChunkToParts({ warn: (_fields, message) => warnings.push(message) });
  expect(chunks.flatMap((chunk) => machine.push(chunk))).toEqual(parts);
  expect(warnings).toEqual([expect.stringContaining('neither a name nor arguments; dropped')]);
});

test('an SGLang stream: the final top-level reasoning_tokens, not the per-chunk 0', () => {
  // python/sglang/srt/entrypoints/openai/protocol.py UsageInfo: reasoning_tokens defaults to 0.
  const counts = (completion: number, reasoning: number) => ({
    prompt_tokens: 300,
    completion_tokens: completion,
    reasoning_tokens: reasoning,
    completion_tokens_details: null,
  });
  const usages = run([
    { ...delta({ reasoning_content: 'Need weather.' }), usage: counts(5, 0) },
    { ...delta({ content: 'Sunny.' }), usage: counts(30, 0) },
    delta({}, 'stop'),
    { choices: [], usage: counts(40, 25) },
  ]).filter((part) => part.type === 'usage');
  expect(usages.at(-1)).toEqual({
    type: 'usage',
    usage: { inputTokens: 300, outputTokens: 40, reasoningTokens: 25 },
  });
});

test('arguments that are not JSON are passed on and reported', () => {
  const warnings: string[] = [];
  const machine = new OpenAIChunkToParts({ warn: (_fields, message) => warnings.push(message) });
  machine.push(delta({ tool_calls: [call(0, { id: 'a', name: 'Bash', args: '{"command": ls' })] }));
  machine.push(delta({}, 'tool_calls'));
  expect(warnings).toEqual([
    expect.stringContaining('tool call Bash has arguments that are not JSON'),
  ]);
});
