import { describe, expect, test } from 'vitest';
import type { Backend } from '../../src/backends/backend.js';
import type { ModelRequest } from '../../src/model/model-request.js';
import type { ModelStreamPart } from '../../src/model/model-stream-part.js';
import { ApiError } from '../../src/protocol/api-error.js';
import {
  messagesRequestSchema,
  type MessagesRequest,
} from '../../src/protocol/messages-request-schema.js';
import { buildModelRequest } from '../../src/translate/build-model-request.js';

/**
 * One engine under test, with the means to make its next reply take a given shape. A real
 * model cannot be told what to say, so an engine whose output is already of that shape (a
 * random-weight model that never ends its turn, a grammar-forced tool call) does nothing.
 */
export interface BackendHarness {
  backend: Backend;
  /** The served model name requests go to. */
  model: string;
  /** Context size in tokens, for the overflow case. */
  contextTokens: number;
  /** The next reply is text longer than `maxTokens`, so it stops there. */
  nextReplyRunsPastMaxTokens(maxTokens: number): Promise<void>;
  /** The next reply is text whose tokens come slowly (at least a second in all). */
  nextReplyIsSlow(): Promise<void>;
  /** The next reply calls `name` (the request forces it with tool_choice). */
  nextReplyCallsTool(name: string, input: Record<string, unknown>): Promise<void>;
  /** The next request's prompt is longer than the context. */
  nextPromptOverflows(promptTokens: number): Promise<void>;
}

const writeTool = {
  name: 'Write',
  description: 'Write a file',
  input_schema: {
    type: 'object',
    properties: {
      file_path: { type: 'string', maxLength: 20 },
      content: { type: 'string', maxLength: 30 },
    },
    required: ['file_path', 'content'],
    additionalProperties: false,
  },
};

/**
 * The behaviour every Backend promises (src/backends/backend.ts), run against each engine in
 * test/backends/*.test.ts through the same translation the server uses.
 */
export function describeBackendConformance(
  name: string,
  harness: () => BackendHarness,
  options: { timeout?: number } = {},
): void {
  describe(`${name}: backend conformance`, { timeout: options.timeout ?? 30_000 }, () => {
    const request = (overrides: Partial<MessagesRequest> = {}): ModelRequest =>
      modelRequest(harness().model, overrides);

    test('lists the model it serves', async () => {
      const models = await harness().backend.listModels(AbortSignal.timeout(10_000));
      expect(models).toContain(harness().model);
    });

    test.each([true, false])(
      'a reply stopped by max_tokens (stream: %s): text, one finish, usage with both counts',
      async (stream) => {
        await harness().nextReplyRunsPastMaxTokens(8);
        const parts = await collect(harness().backend, request({ max_tokens: 8, stream }));
        const texts = parts.filter((part) => part.type === 'text-delta');
        expect(texts.length).toBeGreaterThan(0);
        for (const part of texts) expect(typeof part.text).toBe('string');
        expectOneFinishThenOnlyUsage(parts);
        expect(finishOf(parts)).toBe('max-tokens');
        const usage = lastUsage(parts);
        expect(usage.inputTokens).toBeGreaterThan(0);
        expect(usage.outputTokens).toBeGreaterThan(0);
        expect(usage.outputTokens).toBeLessThanOrEqual(8);
      },
    );

    test('a forced tool call: start, arguments that form the JSON input, end, finish', async () => {
      const input = { file_path: '/tmp/a.txt', content: 'hi' };
      await harness().nextReplyCallsTool('Write', input);
      const parts = await collect(
        harness().backend,
        request({
          max_tokens: 200,
          tools: [writeTool],
          tool_choice: { type: 'tool', name: 'Write' },
        }),
      );
      const start = parts.find((part) => part.type === 'tool-call-start');
      expect(start).toMatchObject({ type: 'tool-call-start', name: 'Write' });
      const id = (start as { id: string }).id;
      const json = parts
        .filter((part) => part.type === 'tool-call-delta' && part.id === id)
        .map((part) => (part as { argumentsDelta: string }).argumentsDelta)
        .join('');
      const parsed = JSON.parse(json) as Record<string, unknown>;
      expect(Object.keys(parsed).sort()).toEqual(['content', 'file_path']);
      expect(parts.findIndex((part) => part.type === 'tool-call-end')).toBeGreaterThan(
        parts.indexOf(start!),
      );
      expectOneFinishThenOnlyUsage(parts);
      expect(finishOf(parts)).toBe('tool-calls');
    });

    test('aborting mid-reply ends the stream promptly, and the engine serves the next', async () => {
      await harness().nextReplyIsSlow();
      const controller = new AbortController();
      const parts: ModelStreamPart[] = [];
      let abortedAt = 0;
      const consumed = (async () => {
        for await (const batch of harness().backend.streamChat(
          request({ max_tokens: 4000, stream: true }),
          controller.signal,
        )) {
          parts.push(...batch);
          if (batch.some((part) => part.type === 'text-delta') && abortedAt === 0) {
            abortedAt = performance.now();
            controller.abort();
          }
        }
      })();
      await consumed.catch(() => undefined); // ending by return or by throw are both fine
      expect(abortedAt).toBeGreaterThan(0);
      expect(performance.now() - abortedAt).toBeLessThan(2_000);
      expect(parts.some((part) => part.type === 'finish')).toBe(false);
      await harness().nextReplyRunsPastMaxTokens(4);
      const next = await collect(harness().backend, request({ max_tokens: 4 }));
      expect(finishOf(next)).toBe('max-tokens');
    });

    test('a request whose client already left yields nothing and throws', async () => {
      const controller = new AbortController();
      controller.abort();
      const parts: ModelStreamPart[] = [];
      await expect(
        (async () => {
          for await (const batch of harness().backend.streamChat(request(), controller.signal))
            parts.push(...batch);
        })(),
      ).rejects.toThrow();
      expect(parts.filter((part) => part.type !== 'usage')).toEqual([]);
    });

    test('two requests at once both complete', async () => {
      await harness().nextReplyRunsPastMaxTokens(6);
      await harness().nextReplyRunsPastMaxTokens(6);
      const [a, b] = await Promise.all([
        collect(harness().backend, request({ max_tokens: 6 })),
        collect(harness().backend, request({ max_tokens: 6 })),
      ]);
      expect(finishOf(a)).toBe('max-tokens');
      expect(finishOf(b)).toBe('max-tokens');
    });

    test('counts prompt tokens: positive, and more for a longer prompt', async () => {
      const signal = AbortSignal.timeout(10_000);
      const short = await harness().backend.countTokens(request(), signal);
      const long = await harness().backend.countTokens(
        request({ messages: [{ role: 'user', content: 'Say something. '.repeat(50) }] }),
        signal,
      );
      expect(short.inputTokens).toBeGreaterThan(0);
      expect(long.inputTokens).toBeGreaterThan(short.inputTokens);
      expect(typeof short.exact).toBe('boolean');
    });

    test('a prompt longer than the context is refused before any content', async () => {
      const words = harness().contextTokens + 100;
      await harness().nextPromptOverflows(words);
      const parts: ModelStreamPart[] = [];
      const error = await (async () => {
        for await (const batch of harness().backend.streamChat(
          request({ messages: [{ role: 'user', content: 'word '.repeat(words) }] }),
          AbortSignal.timeout(20_000),
        ))
          parts.push(...batch);
      })().then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(parts.filter((part) => part.type !== 'usage')).toEqual([]);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ type: 'invalid_request_error', status: 400 });
      expect((error as ApiError).message).toMatch(/^prompt is too long: \d+ tokens > \d+ maximum/);
    });
  });
}

/** An Anthropic request for `model`, through the server's own validation and translation. */
export function modelRequest(
  model: string,
  overrides: Partial<MessagesRequest> = {},
): ModelRequest {
  const body = messagesRequestSchema.parse({
    model,
    max_tokens: 16,
    messages: [{ role: 'user', content: 'Say something.' }],
    ...overrides,
  });
  return buildModelRequest(body, { model });
}

/** Every part of one reply, in order; every batch the backend yields must hold at least one. */
export async function collect(backend: Backend, request: ModelRequest): Promise<ModelStreamPart[]> {
  const parts: ModelStreamPart[] = [];
  for await (const batch of backend.streamChat(request, AbortSignal.timeout(20_000))) {
    expect(batch.length).toBeGreaterThan(0);
    parts.push(...batch);
  }
  return parts;
}

/** Exactly one finish; after it only usage (engines report usage last or first). */
function expectOneFinishThenOnlyUsage(parts: readonly ModelStreamPart[]): void {
  const finishes = parts.filter((part) => part.type === 'finish');
  expect(finishes).toHaveLength(1);
  const after = parts.slice(parts.indexOf(finishes[0]!) + 1);
  for (const part of after) expect(part.type).toBe('usage');
}

function finishOf(parts: readonly ModelStreamPart[]): string | undefined {
  const finish = parts.find((part) => part.type === 'finish');
  return finish?.type === 'finish' ? finish.reason : undefined;
}

function lastUsage(parts: readonly ModelStreamPart[]) {
  const usages = parts.filter((part) => part.type === 'usage');
  const last = usages.at(-1);
  if (last?.type !== 'usage') throw new Error('no usage part');
  return last.usage;
}
