import { Writable } from 'node:stream';
import Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { startFerryFromConfig, type StartedFerry } from '../../src/cli/start-ferry-from-config.js';
import { configSchema, type FerryConfigInput } from '../../src/config/config-schema.js';
import { createLogger } from '../../src/observability/logger.js';
import { tinyGgufPath } from '../helpers/tiny-gguf/write-tiny-gguf.js';

// Real inference on a tiny random-weight model the tests write themselves, through the same
// start-up path as `ferry serve --model` and the official SDK.

interface EmbeddedFerry {
  ferry: StartedFerry;
  client: Anthropic;
  logs: string[];
}

async function startEmbedded(
  settings: FerryConfigInput & { model: string },
): Promise<EmbeddedFerry> {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const config = configSchema.parse({ port: 0, threads: 1, gpuLayers: 0, ...settings });
  const ferry = await startFerryFromConfig(config, createLogger({ level: 'info', destination }));
  const client = new Anthropic({ baseURL: ferry.server.url, apiKey: 'test', maxRetries: 0 });
  return { ferry, client, logs };
}

const writeTool: Anthropic.Tool = {
  name: 'Write',
  description: 'Write a file',
  input_schema: {
    type: 'object',
    properties: {
      // Bounded strings: a random-weight model rarely closes a free string soon.
      file_path: { type: 'string', description: 'absolute path', maxLength: 40 },
      content: { type: 'string', maxLength: 60 },
      mode: { type: 'integer', minimum: 0, maximum: 9007199254740991 },
    },
    required: ['file_path', 'content'],
    additionalProperties: false,
    $schema: 'https://json-schema.org/draft/2020-12/schema',
  },
};
const bashTool: Anthropic.Tool = {
  name: 'Bash',
  description: 'Run a command',
  input_schema: {
    type: 'object',
    properties: { command: { type: 'string', maxLength: 40 }, timeout: { type: 'number' } },
    required: ['command'],
  },
};

describe('embedded engine (node-llama-cpp, tiny GGUF)', { timeout: 60_000 }, () => {
  let engine: EmbeddedFerry;
  const model = 'tiny';

  beforeAll(async () => {
    const path = await tinyGgufPath();
    engine = await startEmbedded({
      model: path,
      servedModelNames: [model],
      ctxSize: 2048,
      parallel: 2,
    });
  });
  afterAll(async () => {
    await engine?.ferry.close(1000);
  });

  test('lists the served model and answers Claude model ids with it', async () => {
    const models = await engine.client.models.list();
    expect(models.data.map((entry) => entry.id)).toEqual([model]);
    // The longest prompt the engine takes: its context less the one token a reply needs.
    expect(models.data[0]?.max_input_tokens).toBe(2047);
    const message = await engine.client.messages.create({
      model: 'claude-opus-5-5',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(message.model).toBe('claude-opus-5-5');
  });

  test('non-streaming text with real usage', async () => {
    const message = await engine.client.messages.create({
      model,
      max_tokens: 12,
      system: 'You are terse.',
      messages: [{ role: 'user', content: 'Say something.' }],
    });
    expect(message.content.length).toBeGreaterThan(0);
    // auto read the Qwen3-style template: hermes calls, qwen3 reasoning, and since its
    // generation prompt does not open <think>, a reply that does not write it is text.
    expect(message.content[0]!.type).toBe('text');
    const chosen = engine.logs.find((line) => line.includes('raw-text parsers chosen'));
    expect(JSON.parse(chosen ?? '{}')).toMatchObject({
      model,
      toolCallParser: 'hermes',
      reasoningParser: 'qwen3',
    });
    expect(['end_turn', 'max_tokens']).toContain(message.stop_reason);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeLessThanOrEqual(12);
    expect(
      message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0),
    ).toBeGreaterThan(10);
  });

  test('streaming text through the SDK, usage already in message_start', async () => {
    const stream = engine.client.messages.stream({
      model,
      max_tokens: 20,
      messages: [{ role: 'user', content: 'Stream some words.' }],
    });
    const types: string[] = [];
    let startInput = 0;
    stream.on('streamEvent', (event) => {
      types.push(event.type);
      if (event.type === 'message_start') startInput = event.message.usage.input_tokens;
    });
    const message = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types.filter((type) => type === 'message_delta')).toHaveLength(1);
    expect(startInput).toBeGreaterThan(0);
    const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    if (message.stop_reason === 'max_tokens') expect(text.length).toBeGreaterThan(0);
  });

  test('tool_choice names a tool: the grammar makes a call that parses and fits the schema', async () => {
    for (let round = 0; round < 3; round++) {
      const message = await engine.client.messages.create({
        model,
        max_tokens: 200,
        tools: [writeTool, bashTool],
        tool_choice: { type: 'tool', name: 'Write' },
        messages: [{ role: 'user', content: 'Write hello to /tmp/a.txt' }],
      });
      expect(message.stop_reason).toBe('tool_use');
      const call = message.content.find((block) => block.type === 'tool_use');
      expect(call?.name).toBe('Write');
      const input = call?.input as Record<string, unknown>;
      expect(typeof input.file_path).toBe('string');
      expect(typeof input.content).toBe('string');
      expect((input.file_path as string).length).toBeLessThanOrEqual(40);
      expect(Object.keys(input).sort()).toEqual(['content', 'file_path']);
    }
  });

  test('a forced call keeps the schema’s numeric bounds', async () => {
    const pageTool: Anthropic.Tool = {
      name: 'Page',
      input_schema: {
        type: 'object',
        properties: {
          count: { type: 'integer', minimum: 1, maximum: 10 },
          offset: { type: 'integer', minimum: 0 },
          ratio: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        },
        required: ['count', 'offset', 'ratio'],
      },
    };
    for (let round = 0; round < 4; round++) {
      const message = await engine.client.messages.create({
        model,
        max_tokens: 1000, // a random-weight model writes long numbers, and a redraw costs tokens too
        tools: [pageTool],
        tool_choice: { type: 'tool', name: 'Page' },
        messages: [{ role: 'user', content: `Page ${round}` }],
      });
      const call = message.content.find((block) => block.type === 'tool_use');
      const input = call?.input as { count: number; offset: number; ratio: number };
      expect(Number.isInteger(input.count) && input.count >= 1 && input.count <= 10).toBe(true);
      expect(Number.isSafeInteger(input.offset) && input.offset >= 0).toBe(true);
      expect(message.stop_reason).toBe('tool_use');
      expect(input.ratio > 0 && input.ratio <= 1).toBe(true);
    }
  });

  test('structured output: the grammar makes a reply the SDK parses against the schema', async () => {
    // Booleans and enums: a random-weight model closes them at once, as it may not a string.
    const answer = z.object({ done: z.boolean(), level: z.enum(['low', 'high']) });
    const message = await engine.client.messages.parse({
      model,
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Are you done? Answer as JSON.' }],
      output_config: { format: zodOutputFormat(answer) },
    });
    expect(message.stop_reason).toBe('end_turn');
    expect(answer.parse(message.parsed_output)).toEqual(message.parsed_output);
    // Laid out as chat templates' tojson lays JSON out, whatever the model would have spaced.
    const text = message.content[0]?.type === 'text' ? message.content[0].text : '';
    expect(text).toMatch(/^\{"done": (true|false), "level": "(low|high)"\}$/);
  });

  test('tool_choice any, streamed: one of the tools, arguments as input_json_delta', async () => {
    const stream = engine.client.messages.stream({
      model,
      max_tokens: 200,
      tools: [writeTool, bashTool],
      tool_choice: { type: 'any' },
      messages: [{ role: 'user', content: 'List the files.' }],
    });
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    const call = message.content.find((block) => block.type === 'tool_use');
    expect(['Write', 'Bash']).toContain(call?.name);
    const input = call?.input as Record<string, unknown>;
    if (call?.name === 'Bash') expect(typeof input.command).toBe('string');
    else expect(typeof input.file_path).toBe('string');
  });

  test('a forced call that max_tokens cuts off ends with max_tokens, within the budget', async () => {
    for (const disable_parallel_tool_use of [false, true]) {
      const message = await engine.client.messages
        .stream({
          model,
          max_tokens: 24,
          tools: [writeTool, bashTool],
          tool_choice: { type: 'tool', name: 'Write', disable_parallel_tool_use },
          messages: [{ role: 'user', content: 'Write hello to /tmp/a.txt' }],
        })
        .finalMessage();
      expect(message.stop_reason).toBe('max_tokens');
      expect(message.usage.output_tokens).toBeGreaterThan(0);
      expect(message.usage.output_tokens).toBeLessThanOrEqual(24);
      for (const block of message.content) {
        if (block.type === 'tool_use') expect(block.input).toBeTypeOf('object');
      }
    }
  });

  test('count_tokens is exact: the same count the generation reports', async () => {
    const request = {
      model,
      system: 'Count me.',
      tools: [bashTool],
      messages: [{ role: 'user' as const, content: 'How many tokens is this? 😀 漢字' }],
    };
    const counted = await engine.client.messages.countTokens(request);
    const message = await engine.client.messages.create({ ...request, max_tokens: 1 });
    expect(counted.input_tokens).toBe(
      message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0),
    );
  });

  test('text that looks like a special token is counted as text, not as the token', async () => {
    const count = async (content: string) =>
      (await engine.client.messages.countTokens({ model, messages: [{ role: 'user', content }] }))
        .input_tokens;
    const plain = await count('a');
    const injected = await count('a<|im_end|>');
    expect(injected - plain).toBeGreaterThan(1);
  });

  test('the second turn reuses the first turn’s KV cache, its reply included (cache_read_input_tokens)', async () => {
    // Several conversations: a sampled reply is often spelled in other tokens than the
    // tokenizer would choose for its text, and its cache must be reused all the same.
    for (let round = 0; round < 4; round++) {
      const system = `You are careful (${round}). ${'Follow the rules. '.repeat(40)}`;
      const firstTurn: Anthropic.MessageParam[] = [{ role: 'user', content: 'First question?' }];
      const first = await engine.client.messages.create({
        model,
        system,
        max_tokens: 16,
        messages: firstTurn,
      });
      const firstPrompt = first.usage.input_tokens + (first.usage.cache_read_input_tokens ?? 0);
      const reply = first.content
        .map((block) => (block.type === 'text' ? block.text : ''))
        .join('');
      const second = await engine.client.messages.create({
        model,
        system,
        max_tokens: 16,
        messages: [
          ...firstTurn,
          { role: 'assistant', content: reply === '' ? 'ok' : reply },
          { role: 'user', content: 'Second question?' },
        ],
      });
      const plainReply = first.content.length === 1 && first.content[0]?.type === 'text';
      const reused = firstPrompt + (plainReply ? first.usage.output_tokens : 0);
      expect(second.usage.cache_read_input_tokens).toBeGreaterThanOrEqual(reused);
      expect(second.usage.input_tokens).toBeGreaterThan(0);
      expect(second.usage.input_tokens).toBeLessThan(firstPrompt);
    }
  });

  test('the turn after a tool call reuses the call’s KV cache too: only the result is new', async () => {
    // The engine writes a call in pieces (opener, sampled name, sampled arguments); the next
    // turn's template renders it back in one piece, which the tokenizer spells its own way.
    // Its JSON is laid out as tojson lays it out (the grammar allows no other spacing), and
    // arguments from a list hold no escapes tojson would write otherwise: the same text.
    const listTool: Anthropic.Tool = {
      name: 'Bash',
      input_schema: {
        type: 'object',
        properties: { command: { type: 'string', enum: ['ls', 'ls -la', 'pwd'] } },
        required: ['command'],
      },
    };
    for (let round = 0; round < 3; round++) {
      const system = `You run commands (${round}). ${'Mind the rules. '.repeat(40)}`;
      const firstTurn: Anthropic.MessageParam[] = [{ role: 'user', content: 'List the files.' }];
      const first = await engine.client.messages.create({
        model,
        system,
        max_tokens: 60,
        tools: [listTool],
        tool_choice: { type: 'tool', name: 'Bash' },
        messages: firstTurn,
      });
      const call = first.content.find((block) => block.type === 'tool_use');
      expect(call).toBeDefined();
      const firstPrompt = first.usage.input_tokens + (first.usage.cache_read_input_tokens ?? 0);
      const secondTurn = {
        model,
        system,
        tools: [listTool],
        messages: [
          ...firstTurn,
          { role: 'assistant' as const, content: first.content },
          {
            role: 'user' as const,
            content: [{ type: 'tool_result' as const, tool_use_id: call!.id, content: 'a.txt' }],
          },
        ],
      };
      // Counted in the cache's spelling, as the turn will be evaluated.
      const counted = await engine.client.messages.countTokens(secondTurn);
      const second = await engine.client.messages.create({ ...secondTurn, max_tokens: 4 });
      expect(counted.input_tokens).toBe(
        second.usage.input_tokens + (second.usage.cache_read_input_tokens ?? 0),
      );
      const cached = second.usage.cache_read_input_tokens ?? 0;
      // All but the last token or two (the engine had not evaluated the last one); new is the
      // call's closing, the turn's end and the tool result (~20 tokens).
      expect(cached).toBeGreaterThanOrEqual(firstPrompt + first.usage.output_tokens - 3);
      expect(second.usage.input_tokens).toBeLessThan(30);
    }
  });

  test('max_tokens 0 on a forced call reads the prompt into the cache all the same', async () => {
    const request = {
      model,
      system: `Warm me. ${'Keep the rules. '.repeat(30)}`,
      tools: [bashTool],
      tool_choice: { type: 'tool' as const, name: 'Bash' },
      messages: [{ role: 'user' as const, content: 'Run ls.' }],
    };
    const warm = await engine.client.messages.create({ ...request, max_tokens: 0 });
    expect(warm.content).toEqual([]);
    const prompt = warm.usage.input_tokens + (warm.usage.cache_read_input_tokens ?? 0);
    const next = await engine.client.messages.create({ ...request, max_tokens: 60 });
    // All but the last prompt token, which is evaluated again for the first logits.
    expect(next.usage.cache_read_input_tokens).toBe(prompt - 1);
  });

  const calcTool = (a: Record<string, unknown>): Anthropic.Tool => ({
    name: 'calc',
    input_schema: { type: 'object', properties: { a }, required: ['a'] },
  });

  test.each([
    [{ type: 'number', minimum: 5, maximum: 1 }, 'no number is within minimum 5, maximum 1'],
    [{ type: 'string', enum: [] }, 'enum is empty'],
  ])('a schema no value fits is a 400 naming where, streamed or not: %j', async (a, reason) => {
    const forced = {
      model,
      max_tokens: 50,
      tools: [calcTool(a)],
      tool_choice: { type: 'tool' as const, name: 'calc' },
      messages: [{ role: 'user' as const, content: 'Compute.' }],
    };
    const format = {
      model,
      max_tokens: 50,
      messages: [{ role: 'user' as const, content: 'Answer in JSON.' }],
      output_config: {
        format: {
          type: 'json_schema' as const,
          schema: { type: 'object', properties: { a }, required: ['a'] },
        },
      },
    };
    const cases = [
      [() => engine.client.messages.create(forced), 'tools[calc].input_schema'],
      [() => engine.client.messages.stream(forced).finalMessage(), 'tools[calc].input_schema'],
      [
        () => engine.client.messages.create({ ...forced, tool_choice: { type: 'any' } }),
        'tools[calc].input_schema',
      ],
      [() => engine.client.messages.create(format), 'output_config.format.schema'],
    ] as const;
    for (const [send, at] of cases) {
      const error = await send().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect((error as Error).message).toContain(`${at}.properties.a: ${reason}, so no value fits`);
    }
  });

  test('tool_choice any: a tool no value fits is not offered, the others are', async () => {
    const message = await engine.client.messages
      .stream({
        model,
        max_tokens: 200,
        tools: [calcTool({ type: 'integer', minimum: 5, maximum: 1 }), bashTool],
        tool_choice: { type: 'any' },
        messages: [{ role: 'user', content: 'List the files.' }],
      })
      .finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content.find((block) => block.type === 'tool_use')?.name).toBe('Bash');
    expect(engine.logs.join('\n')).toContain(
      'tool_choice any: tools[calc].input_schema.properties.a: no integer is within minimum 5, ' +
        'maximum 1, so no value fits: calc is not offered',
    );
  });

  test('bounds past llama.cpp’s grammar limits are capped, not a 500', async () => {
    const tool: Anthropic.Tool = {
      name: 'Big',
      input_schema: {
        type: 'object',
        properties: {
          list: { type: 'array', items: { type: 'boolean' }, minItems: 1, maxItems: 2001 },
          text: { type: 'string', maxLength: 5000 },
        },
        required: ['list', 'text'],
      },
    };
    const message = await engine.client.messages
      .stream({
        model,
        max_tokens: 60,
        tools: [tool],
        tool_choice: { type: 'tool', name: 'Big' },
        messages: [{ role: 'user', content: 'Go.' }],
      })
      .finalMessage();
    expect(['tool_use', 'max_tokens']).toContain(message.stop_reason);
  });

  test('a prompt longer than the context is refused before generation', async () => {
    const error = await engine.client.messages
      .create({
        model,
        max_tokens: 10,
        messages: [{ role: 'user', content: 'word '.repeat(3000) }],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const body = (error as InstanceType<typeof Anthropic.BadRequestError>).error as {
      error: { type: string; message: string };
    };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^prompt is too long: \d+ tokens > 2047 maximum$/);
  });

  test('images are refused with a clear error, not dropped', async () => {
    const error = await engine.client.messages
      .create({
        model,
        max_tokens: 10,
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'image',
                source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' },
              },
              { type: 'text', text: 'what is this?' },
            ],
          },
        ],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(String((error as Error).message)).toContain('reads text only');
  });
});

/**
 * A Ferry on a model that never ends its turn (an end-of-turn bias this low): replies run until
 * max_tokens, long enough to cancel and to queue. Started before the block's tests, closed after.
 */
function useEndlessEngine(parallel: number): { engine: () => EmbeddedFerry; model: string } {
  const model = 'endless';
  let engine: EmbeddedFerry | undefined;
  beforeAll(async () => {
    const path = await tinyGgufPath({ endOfTurnBias: -10 });
    engine = await startEmbedded({
      model: path,
      servedModelNames: [model],
      ctxSize: 8192,
      parallel,
    });
  });
  afterAll(async () => {
    await engine?.ferry.close(1000);
  });
  return { engine: () => engine!, model };
}

describe('embedded engine under load and cancellation', { timeout: 60_000 }, () => {
  const { engine: started, model } = useEndlessEngine(2);
  let engine: EmbeddedFerry;
  beforeAll(() => {
    engine = started();
  });

  test('4 concurrent requests on 2 sequences all complete, the rest queued in order', async () => {
    const replies = await Promise.all(
      [0, 1, 2, 3].map((index) =>
        engine.client.messages.create({
          model,
          max_tokens: 40,
          messages: [{ role: 'user', content: `Request number ${index}.` }],
        }),
      ),
    );
    for (const reply of replies) {
      expect(reply.stop_reason).toBe('max_tokens');
      expect(reply.usage.output_tokens).toBe(40);
    }
  });

  test('max_tokens past the context is capped and reported as model_context_window_exceeded', async () => {
    // A prompt that leaves about 40 tokens of room in the 8192-token context.
    const count = async (words: number) =>
      (
        await engine.client.messages.countTokens({
          model,
          messages: [{ role: 'user', content: 'word '.repeat(words) }],
        })
      ).input_tokens;
    const [at100, at200] = [await count(100), await count(200)];
    const perWord = (at200 - at100) / 100;
    const words = Math.floor(100 + (8192 - 40 - at100) / perWord);
    const prompt = await count(words);
    expect(8192 - prompt).toBeGreaterThan(0);
    const message = await engine.client.messages
      .stream({
        model,
        max_tokens: 32_000,
        messages: [{ role: 'user', content: 'word '.repeat(words) }],
      })
      .finalMessage();
    expect(message.stop_reason).toBe('model_context_window_exceeded');
    expect(message.usage.output_tokens).toBe(8192 - prompt);
  });

  test('/metrics shows the sequences in use and the requests queued', async () => {
    const gauges = async (): Promise<Record<string, number>> => {
      const text = await (await fetch(`${engine.ferry.server.url}/metrics`)).text();
      return Object.fromEntries(
        [...text.matchAll(/^(ferry_engine_\w+) (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]),
      );
    };
    expect(await gauges()).toEqual({
      ferry_engine_sequences: 2,
      ferry_engine_sequences_busy: 0,
      ferry_engine_requests_waiting: 0,
    });
    const controller = new AbortController();
    const long = {
      model,
      max_tokens: 4000,
      messages: [{ role: 'user' as const, content: 'Go on.' }],
    };
    const streams = [0, 1, 2].map(() =>
      engine.client.messages
        .create({ ...long, stream: true }, { signal: controller.signal })
        .catch(() => undefined),
    );
    await expect
      .poll(gauges, { timeout: 20_000 })
      .toMatchObject({ ferry_engine_sequences_busy: 2, ferry_engine_requests_waiting: 1 });
    controller.abort();
    await Promise.all(streams);
    await expect.poll(gauges, { timeout: 20_000 }).toMatchObject({
      ferry_engine_sequences_busy: 0,
      ferry_engine_requests_waiting: 0,
    });
  });

  test('a client that disconnects stops its generation and frees its sequence at once', async () => {
    // Two long generations fill both sequences; both clients then leave.
    const controllers = [new AbortController(), new AbortController()];
    const firstDeltas = controllers.map(
      (controller) =>
        new Promise<void>((resolve, reject) => {
          const stream = engine.client.messages.stream(
            { model, max_tokens: 8000, messages: [{ role: 'user', content: 'Talk at length.' }] },
            { signal: controller.signal },
          );
          stream.on('text', () => resolve());
          stream.on('error', () => undefined);
          stream.finalMessage().catch(() => undefined);
          setTimeout(() => reject(new Error('no text within 20 s')), 20_000).unref();
        }),
    );
    await Promise.all(firstDeltas);
    const left = performance.now();
    for (const controller of controllers) controller.abort();
    // Had the generations gone on, this request would wait for ~2 × 8000 tokens (> 15 s) first.
    const next = await engine.client.messages.create({
      model,
      max_tokens: 5,
      messages: [{ role: 'user', content: 'Quick one.' }],
    });
    expect(next.usage.output_tokens).toBe(5);
    expect(performance.now() - left).toBeLessThan(5000);
  });
});

describe('embedded engine, a fresh pair of sequences', { timeout: 60_000 }, () => {
  const { engine: started, model } = useEndlessEngine(2);

  test('a short side request between two turns leaves the conversation’s cache alone', async () => {
    const engine = started();
    const system = `You review code. ${'Keep every rule of the project. '.repeat(40)}`;
    const firstTurn: Anthropic.MessageParam[] = [{ role: 'user', content: 'Review a.ts.' }];
    const first = await engine.client.messages.create({
      model,
      system,
      max_tokens: 4,
      messages: firstTurn,
    });
    const firstPrompt = first.usage.input_tokens + (first.usage.cache_read_input_tokens ?? 0);
    // A title request, as Claude Code sends beside a conversation: shares only the template's
    // first token with it.
    await engine.client.messages.create({
      model,
      max_tokens: 4,
      messages: [{ role: 'user', content: 'A title for this session?' }],
    });
    const second = await engine.client.messages.create({
      model,
      system,
      max_tokens: 4,
      messages: [
        ...firstTurn,
        { role: 'assistant', content: 'Looks fine.' },
        { role: 'user', content: 'And b.ts?' },
      ],
    });
    expect(second.usage.cache_read_input_tokens).toBeGreaterThanOrEqual(firstPrompt - 1);
  });
});

describe('embedded engine with one sequence', { timeout: 60_000 }, () => {
  const { engine: started, model } = useEndlessEngine(1);
  let engine: EmbeddedFerry;
  beforeAll(() => {
    engine = started();
  });

  test('a client that leaves during a long prompt frees its sequence after the batch in progress', async () => {
    // ~7,000 prompt tokens: the engine evaluates them in 256-token batches for a second or so.
    const messages = [
      { role: 'user' as const, content: `${Math.random()} ${'plan the work '.repeat(2300)}` },
    ];
    const { input_tokens: promptTokens } = await engine.client.messages.countTokens({
      model,
      messages,
    });
    expect(promptTokens).toBeGreaterThan(6000);
    const controller = new AbortController();
    const left = engine.client.messages
      .create({ model, max_tokens: 5, messages }, { signal: controller.signal })
      .catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 150));
    controller.abort();
    await left;
    // The same prompt again, queued for the only sequence: it gets it once the batch in
    // progress is done, with only the batches done before the client left in its cache.
    const again = await engine.client.messages.create({ model, max_tokens: 1, messages });
    expect(again.usage.cache_read_input_tokens).toBeLessThan(promptTokens - 256);
  });
});

describe('embedded engine with a reasoning parser', { timeout: 60_000 }, () => {
  let engine: EmbeddedFerry;

  beforeAll(async () => {
    // qwen3's parser reads everything before `</think>` as reasoning: all of this model's text.
    engine = await startEmbedded({
      model: await tinyGgufPath(),
      servedModelNames: ['tiny'],
      ctxSize: 1024,
      parallel: 1,
      reasoningParser: 'qwen3',
    });
  });
  afterAll(async () => {
    await engine?.ferry.close(1000);
  });

  test('thinking blocks, with the engine’s thinking tokens in usage.output_tokens_details', async () => {
    const request = {
      model: 'tiny',
      max_tokens: 12,
      messages: [{ role: 'user' as const, content: 'Think first.' }],
      thinking: { type: 'adaptive' as const },
    };
    const streamed = await engine.client.messages.stream(request).finalMessage();
    const created = await engine.client.messages.create(request);
    for (const message of [streamed, created]) {
      expect(message.content[0]?.type).toBe('thinking');
      const thinking = message.usage.output_tokens_details?.thinking_tokens ?? 0;
      expect(thinking).toBeGreaterThan(0);
      expect(thinking).toBeLessThanOrEqual(message.usage.output_tokens);
    }
  });
});

describe('embedded engine with sampling recommended by the GGUF', { timeout: 60_000 }, () => {
  let engine: EmbeddedFerry;

  beforeAll(async () => {
    // Greedy by the model's own recommendation (general.sampling.temp = 0), as a GGUF converted
    // from a generation_config.json carries it; the model never ends a turn by itself.
    engine = await startEmbedded({
      model: await tinyGgufPath({ endOfTurnBias: -10, sampling: { temp: 0, top_k: 20 } }),
      servedModelNames: ['tiny'],
      ctxSize: 1024,
      parallel: 1,
    });
  });
  afterAll(async () => {
    await engine?.ferry.close(1000);
  });

  const ask = (temperature?: number) =>
    engine.client.messages.create({
      model: 'tiny',
      max_tokens: 24,
      messages: [{ role: 'user', content: 'Name a colour.' }],
      ...(temperature === undefined ? {} : { temperature }),
    });
  const textOf = (message: Anthropic.Message) =>
    message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');

  test('a request without temperature samples as the model recommends, and says so at start', async () => {
    const replies = await Promise.all(
      [ask(), ask(), ask()].map(async (reply) => textOf(await reply)),
    );
    expect(new Set(replies).size).toBe(1);
    expect(replies[0]).not.toBe('');
    expect(engine.logs.join('\n')).toContain(
      'sampling as the model recommends where a request sets none: temperature 0, top_k 20',
    );
  });

  test('a temperature in the request wins over the model’s', async () => {
    const replies = new Set<string>();
    for (let i = 0; i < 4; i++) replies.add(textOf(await ask(1)));
    expect(replies.size).toBeGreaterThan(1);
  });
});
