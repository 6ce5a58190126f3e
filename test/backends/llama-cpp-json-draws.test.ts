import { getLlama, type Llama, type LlamaContext, type LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { GenerationRun } from '../../src/backends/llama-cpp/evaluate-tokens.js';
import { generateForcedToolCall } from '../../src/backends/llama-cpp/generate-forced-tool-call.js';
import { generateStructuredOutput } from '../../src/backends/llama-cpp/generate-structured-output.js';
import { jsonGrammar } from '../../src/backends/llama-cpp/json-grammar.js';
import { toGrammarSchema } from '../../src/backends/llama-cpp/to-grammar-schema.js';
import type { ModelFinishReason, ModelStreamBatch } from '../../src/model/model-stream-part.js';
import { tinyGgufPath } from '../helpers/tiny-gguf/write-tiny-gguf.js';

// Constrained sampling on the tests' tiny random-weight model, driven below the HTTP layer so
// that every run is seeded. A random model writes numbers far out of any bounds
// (`{"a": 796854257257111}`): what the checks after sampling are for.

let llama: Llama;
let model: LlamaModel;
let context: LlamaContext;

beforeAll(async () => {
  llama = await getLlama({ gpu: false, build: 'never' });
  model = await llama.loadModel({ modelPath: await tinyGgufPath() });
  context = await model.createContext({ contextSize: 1024, threads: 1 });
});
afterAll(async () => {
  await context?.dispose();
  await model?.dispose();
  await llama?.dispose();
});

interface Outcome {
  text: string;
  /** The names of the tools called. */
  calls: string[];
  finish: ModelFinishReason;
  outputTokens: number;
  warnings: string[];
  /** Output tokens counted when each warning was logged. */
  warnedAt: number[];
  /** Tokens the sequence's KV cache holds at the end. */
  cached: number;
  promptTokens: number;
}

type Generate = (
  run: GenerationRun & { onWarning: (message: string) => void },
) => AsyncGenerator<ModelStreamBatch, ModelFinishReason>;

/** One generation on a fresh sequence at temperature 1 with `seed`. */
async function generate(seed: number, maxTokens: number, start: Generate): Promise<Outcome> {
  const sequence = context.getSequence();
  const input = model.tokenize(
    '<|im_start|>user\nAdd the numbers.<|im_end|>\n<|im_start|>assistant\n',
    true,
  );
  const outcome = {
    text: '',
    calls: [] as string[],
    outputTokens: 0,
    warnings: [] as string[],
    warnedAt: [] as number[],
  };
  try {
    const parts = start({
      llama,
      model,
      sequence,
      input,
      maxTokens,
      sampling: { temperature: 1, seed },
      signal: new AbortController().signal,
      onToken: () => outcome.outputTokens++,
      onBusyAfterAbort: () => undefined,
      onWarning: (message) => {
        outcome.warnings.push(message);
        outcome.warnedAt.push(outcome.outputTokens);
      },
    });
    let next = await parts.next();
    for (; next.done !== true; next = await parts.next()) {
      for (const part of next.value) {
        if (part.type === 'text-delta') outcome.text += part.text;
        if (part.type === 'tool-call-start') outcome.calls.push(part.name);
        if (part.type === 'tool-call-delta') outcome.text += part.argumentsDelta;
      }
    }
    return {
      ...outcome,
      finish: next.value,
      cached: sequence.nextTokenIndex,
      promptTokens: input.length,
    };
  } finally {
    await sequence.dispose();
  }
}

const unitInterval = {
  type: 'object',
  properties: { a: { type: 'number', minimum: 0, maximum: 1 } },
  required: ['a'],
};

/** A forced call to one of `tools`, each grammar made as the backend makes it: when asked for. */
function forcedCallOf(
  tools: ReadonlyMap<string, unknown>,
  seed: number,
  maxTokens: number,
  onToolGrammar: (name: string) => void = () => undefined,
): Promise<Outcome> {
  return generate(seed, maxTokens, (run) =>
    generateForcedToolCall({
      ...run,
      toolNames: [...tools.keys()],
      toolGrammar: async (name) => {
        onToolGrammar(name);
        const schema = tools.get(name);
        return { schema, grammar: await jsonGrammar(llama, schema, `tools[${name}].input_schema`) };
      },
      callOpener: '<tool_call>\n',
    }),
  );
}

function forcedCall(seed: number, maxTokens: number): Promise<Outcome> {
  return forcedCallOf(new Map([['calc', unitInterval]]), seed, maxTokens);
}

async function structuredOutput(seed: number, schema: unknown, maxTokens = 400): Promise<Outcome> {
  const grammar = await jsonGrammar(llama, schema, 'output_config.format.schema');
  return generate(seed, maxTokens, (run) => generateStructuredOutput({ ...run, schema, grammar }));
}

const redrawn = /^embedded engine: drew the arguments of calc again \((.*)\)$/;

describe('a forced call out of the schema’s bounds', { timeout: 60_000 }, () => {
  test('is drawn again on a seed of its own each time, the same way for the same seed', async () => {
    // Seed 1 draws {"a": 6.7…} and then {"a": 2}: before, every redraw repeated the first.
    const first = await forcedCall(1, 1000);
    const draws = first.warnings.flatMap((line) => redrawn.exec(line)?.[1] ?? []);
    expect(draws).toHaveLength(2);
    expect(new Set(draws).size).toBe(2);
    expect(first.finish).toBe('tool-calls');
    expect(JSON.parse(first.text)).toEqual({ a: 1 });
    const again = await forcedCall(1, 1000);
    expect(again.warnings).toEqual(first.warnings);
    expect(again.text).toBe(first.text);
  });

  test.each([0, 1, 2, 3, 4, 5, 6, 7])('seed %i: the call keeps the bounds', async (seed) => {
    const { text, finish } = await forcedCall(seed, 1000);
    expect(finish).toBe('tool-calls');
    const { a } = JSON.parse(text) as { a: number };
    expect(a >= 0 && a <= 1).toBe(true);
  });

  test('out of tokens in a redraw: the last whole draw, brought within the bounds', async () => {
    // Where the first draw was whole, with tokens for three more: the redraw runs out.
    const full = await forcedCall(1, 1000);
    const budget = full.warnedAt[0]! + 3;
    const cut = await forcedCall(1, budget);
    expect(cut.finish).toBe('tool-calls');
    expect(JSON.parse(cut.text)).toEqual({ a: 1 });
    expect(cut.outputTokens).toBe(budget);
    expect(cut.warnings.at(-1)).toMatch(/^embedded engine: the arguments of calc brought within/);
  });

  test('with no room to write a call, the prompt is still read into the cache', async () => {
    // max_tokens 0 reaches the engine as 1: it warms the cache, and usage counts a read prompt.
    const { finish, outputTokens, cached, promptTokens } = await forcedCall(1, 1);
    expect(finish).toBe('max-tokens');
    expect(outputTokens).toBe(0);
    expect(cached).toBe(promptTokens);
  });
});

describe('tool_choice any over many tools', { timeout: 60_000 }, () => {
  /** 40 tools as Claude Code sends them, named for the seed so none is in the grammar cache. */
  const toolsFor = (seed: number) =>
    new Map(
      Array.from({ length: 40 }, (_, i) => [
        `Tool${seed}_${i}`,
        {
          type: 'object',
          properties: {
            [`arg${seed}_${i}`]: { type: 'string', maxLength: 20 },
            note: { type: 'string' },
          },
          required: [`arg${seed}_${i}`],
        },
      ]),
    );

  test.each([1, 2, 3])('seed %i: only the chosen tool’s grammar is made', async (seed) => {
    const tools = toolsFor(seed);
    const made = vi.spyOn(llama, 'createGrammarForJsonSchema');
    const asked: string[] = [];
    try {
      const first = await forcedCallOf(tools, seed, 1000, (name) => asked.push(name));
      expect(first.finish).toBe('tool-calls');
      expect(first.calls).toHaveLength(1);
      const chosen = first.calls[0]!;
      expect(asked).toEqual([chosen]);
      expect((made.mock.calls as unknown[][]).map(([schema]) => schema)).toEqual([
        { enum: [...tools.keys()] },
        toGrammarSchema(tools.get(chosen)),
      ]);
      expect(Object.keys(JSON.parse(first.text) as object)).toEqual(tools.get(chosen)!.required);
      // The same seed draws the same call, its grammars now from the cache.
      made.mockClear();
      expect(await forcedCallOf(tools, seed, 1000)).toEqual(first);
      expect(made).not.toHaveBeenCalled();
    } finally {
      made.mockRestore();
    }
  });
});

describe('structured output', { timeout: 60_000 }, () => {
  test.each([0, 1, 2, 3])('seed %i: numbers keep their bounds', async (seed) => {
    const schema = {
      type: 'object',
      properties: {
        p: { type: 'number', minimum: 0, maximum: 1 },
        q: { type: 'number', exclusiveMaximum: 0 },
      },
      required: ['p', 'q'],
    };
    const { text, finish } = await structuredOutput(seed, schema);
    expect(finish).toBe('end-turn');
    expect(text).toMatch(/^\{"p": [-.\d]+, "q": [-.\d]+\}$/);
    const { p, q } = JSON.parse(text) as { p: number; q: number };
    expect(p >= 0 && p <= 1).toBe(true);
    expect(q).toBeLessThan(0);
  });

  test.each([0, 1, 2, 3])('seed %i: a top-level number, and nothing after it', async (seed) => {
    const { text, finish } = await structuredOutput(seed, { type: 'number', maximum: 1 });
    expect(finish).toBe('end-turn');
    expect(text).toMatch(/^-?\d+(\.\d+)?$/);
    expect(Number(text)).toBeLessThanOrEqual(1);
  });

  test('a top-level boolean ends with its last letter', async () => {
    const { text, outputTokens } = await structuredOutput(1, { type: 'boolean' });
    expect(['true', 'false']).toContain(text);
    expect(outputTokens).toBeLessThan(5);
  });

  test.each([
    { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 2001 },
    { type: 'array', items: { type: 'integer' }, minItems: 100_000 },
    { type: 'string', minLength: 2001 },
  ])('bounds past llama.cpp’s repetition limit still make a grammar: %j', async (schema) => {
    const { text, finish } = await structuredOutput(1, schema, 60);
    expect(['end-turn', 'max-tokens']).toContain(finish);
    expect(text).toMatch(/^[["]/);
  });
});
