import { gzipSync } from 'node:zlib';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { MessageThreads } from '../../src/server/message-threads.js';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { addTool } from '../helpers/sdk-add-tool.js';
import { startFerry, type TestFerry } from '../helpers/start-ferry.js';
import { chunk, finishChunk, sse, toolCallChunk, usageChunk } from '../helpers/vllm-chunks.js';

// Message threads (beta message-threads-2026-08-12): the SDK's thread() and its tool runner send
// only each turn's new messages and continue from the previous reply's id.

let upstream: ScriptedUpstream;
let ferry: TestFerry;

beforeAll(async () => {
  upstream = await startScriptedUpstream({ flavor: 'vllm', models: ['qwen3-coder'] });
  ferry = await startFerry({ upstream: upstream.url });
});
afterAll(async () => {
  await ferry?.close();
  await upstream?.close();
});
beforeEach(async () => {
  await upstream.reset();
});

const toolCallThenAnswer = [
  {
    sse: sse([
      toolCallChunk(0, { id: 'call_1', name: 'add', args: '{"a":2,"b":3}' }),
      finishChunk('tool_calls'),
      usageChunk(30, 8),
    ]),
  },
  { sse: sse([chunk({ content: 'The sum is 5.' }), finishChunk('stop'), usageChunk(45, 5)]) },
];

interface ChatBody {
  messages: Array<{ role: string; content?: unknown; tool_call_id?: string }>;
  tools?: Array<{ function: { name: string } }>;
}

const upstreamBodies = (): Promise<ChatBody[]> => upstream.chatBodies<ChatBody>();

const says = (text: string, delayMs?: number) => ({
  sse: sse([chunk({ content: text }), finishChunk('stop'), usageChunk(5, 2)]),
  ...(delayMs === undefined ? {} : { delayMs }),
});

/** The statuses of the requests Ferry logged, in order. */
const loggedStatuses = (logs: readonly string[]): Array<number | undefined> =>
  logs
    .map((line) => JSON.parse(line) as { msg?: string; status?: number })
    .filter((entry) => entry.msg === 'request')
    .map((entry) => entry.status);

test.each([false, true])(
  'the SDK tool runner (stream %s) runs its tool loop in a thread',
  async (stream) => {
    await upstream.script(toolCallThenAnswer);
    const runner = ferry.client().beta.messages.toolRunner({
      model: 'qwen3-coder',
      max_tokens: 200,
      system: 'You add numbers.',
      messages: [{ role: 'user', content: 'add 2 and 3' }],
      tools: [addTool],
      stream,
    });
    const final = await runner.runUntilDone();
    expect(final.content).toMatchObject([{ type: 'text', text: 'The sum is 5.' }]);
    const [first, second] = await upstreamBodies();
    expect(first?.messages).toHaveLength(2);
    // The second turn sent only the tool result; Ferry put the kept conversation before it.
    expect(second?.messages.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
    ]);
    expect(second?.messages[0]?.content).toBe('You add numbers.');
    expect(second?.messages[3]).toMatchObject({ content: '5' });
    expect(second?.tools?.map((tool) => tool.function.name)).toEqual(['add']);
  },
);

test('a thread continues over several sends', async () => {
  await upstream.script([
    { sse: sse([chunk({ content: 'Hello.' }), finishChunk('stop'), usageChunk(5, 2)]) },
    { sse: sse([chunk({ content: 'Bye.' }), finishChunk('stop'), usageChunk(9, 2)]) },
  ]);
  const thread = ferry.client().beta.messages.thread({
    model: 'qwen3-coder',
    max_tokens: 50,
    messages: [],
  });
  await thread.send({ role: 'user', content: 'hi' });
  const reply = await thread.send({ role: 'user', content: 'bye' });
  expect(reply.content).toMatchObject([{ type: 'text', text: 'Bye.' }]);
  const [, second] = await upstreamBodies();
  expect(second?.messages).toEqual([
    { role: 'user', content: 'hi' },
    { role: 'assistant', content: 'Hello.' },
    { role: 'user', content: 'bye' },
  ]);
});

test('a continue from a reply Ferry does not hold is thread_not_found', async () => {
  const refused = ferry.client().beta.messages.create({
    model: 'qwen3-coder',
    max_tokens: 50,
    messages: [{ role: 'user', content: 'and then?' }],
    thread: { type: 'continue', previous_message_id: 'msg_gone' },
    betas: ['message-threads-2026-08-12'],
  });
  await expect(refused).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  await expect(refused).rejects.toMatchObject({ status: 404, errorCode: 'thread_not_found' });
  expect(await upstreamBodies()).toEqual([]);
});

test('a continue that repeats the tools is a 400', async () => {
  await upstream.script([
    { sse: sse([chunk({ content: 'Hello.' }), finishChunk('stop'), usageChunk(5, 2)]) },
  ]);
  const client = ferry.client();
  const first = await client.beta.messages.create({
    model: 'qwen3-coder',
    max_tokens: 50,
    messages: [{ role: 'user', content: 'hi' }],
    thread: { type: 'create' },
  });
  const refused = client.beta.messages.create({
    model: 'qwen3-coder',
    max_tokens: 50,
    tools: [{ name: 'x', input_schema: { type: 'object' } }],
    messages: [{ role: 'user', content: 'again' }],
    thread: { type: 'continue', previous_message_id: first.id },
  });
  await expect(refused).rejects.toMatchObject({
    status: 400,
    message: expect.stringContaining('tools: a continued thread keeps the system prompt and tools'),
  });
});

test('a thread Ferry no longer holds: the SDK sends the whole conversation again', async () => {
  // A store of one byte keeps only the newest conversation.
  const small = await startFerry({ upstream: upstream.url, threads: new MessageThreads(1) });
  try {
    await upstream.script([
      { sse: sse([chunk({ content: 'One.' }), finishChunk('stop'), usageChunk(5, 2)]) },
      { sse: sse([chunk({ content: 'Other.' }), finishChunk('stop'), usageChunk(5, 2)]) },
      { sse: sse([chunk({ content: 'Two.' }), finishChunk('stop'), usageChunk(9, 2)]) },
    ]);
    const client = small.client();
    const params = { model: 'qwen3-coder', max_tokens: 50, messages: [] };
    const thread = client.beta.messages.thread(params);
    await thread.send({ role: 'user', content: 'one' });
    await client.beta.messages.thread(params).send({ role: 'user', content: 'other' });
    const reply = await thread.send({ role: 'user', content: 'two' });
    expect(reply.content).toMatchObject([{ type: 'text', text: 'Two.' }]);
    // Ferry answered the continue with thread_not_found; the SDK then sent everything.
    expect(loggedStatuses(small.logs)).toEqual([200, 200, 404, 200]);
    const bodies = await upstreamBodies();
    expect(bodies).toHaveLength(3);
    expect(bodies[2]?.messages).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'One.' },
      { role: 'user', content: 'two' },
    ]);
  } finally {
    await small.close();
  }
});

test('errors about a continue name its own messages, and the kept ones as the thread’s', async () => {
  await upstream.script([toolCallThenAnswer[0]!]);
  const client = ferry.client();
  const first = await client.beta.messages.create({
    model: 'qwen3-coder',
    max_tokens: 50,
    tools: [addTool],
    messages: [{ role: 'user', content: 'add 2 and 3' }],
    thread: { type: 'create' },
  });
  const answer = (content: Anthropic.Beta.BetaContentBlockParam[]) =>
    client.beta.messages.create(
      {
        model: 'qwen3-coder',
        max_tokens: 50,
        messages: [{ role: 'user', content }],
        thread: { type: 'continue', previous_message_id: first.id },
      },
      { maxRetries: 0 },
    );
  await expect(
    answer([{ type: 'tool_result', tool_use_id: 'toolu_wrong', content: '5' }]),
  ).rejects.toMatchObject({
    status: 400,
    error: {
      error: {
        message: expect.stringMatching(/^messages\.0\.content\.0: unexpected `tool_use_id`/),
      },
    },
  });
  await expect(answer([{ type: 'text', text: 'never mind' }])).rejects.toMatchObject({
    status: 400,
    error: {
      error: {
        message: expect.stringMatching(
          new RegExp(`^messages\\.1 of the thread continued from ${first.id}: .*tool_use`),
        ),
      },
    },
  });
});

describe('a thread is counted at its body’s decoded size, however it came', () => {
  // Two creates of ~20 kB of JSON each overflow a store of 30 kB: the first must go.
  const text = 'abcdefghij'.repeat(2_000);
  const asBody = (json: Buffer, coding: 'gzip' | 'chunked'): NonNullable<RequestInit['body']> =>
    coding === 'gzip'
      ? gzipSync(json)
      : new ReadableStream({
          start(controller) {
            controller.enqueue(json);
            controller.close();
          },
        });

  test.each(['gzip', 'chunked'] as const)('a %s body', async (coding) => {
    const small = await startFerry({ upstream: upstream.url, threads: new MessageThreads(30_000) });
    try {
      await upstream.script([says('A.'), says('B.'), says('B again.')]);
      const create = async (name: string): Promise<string> => {
        const json = Buffer.from(
          JSON.stringify({
            model: 'qwen3-coder',
            max_tokens: 50,
            messages: [{ role: 'user', content: `${name} ${text}` }],
            thread: { type: 'create' },
          }),
        );
        // Without a content-length (chunked), or with the compressed one (gzip).
        const response = await fetch(`${small.url}/v1/messages`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(coding === 'gzip' ? { 'content-encoding': 'gzip' } : {}),
          },
          body: asBody(json, coding),
          duplex: 'half',
          signal: AbortSignal.timeout(5000),
        });
        expect(response.status).toBe(200);
        return ((await response.json()) as { id: string }).id;
      };
      const [a, b] = [await create('a'), await create('b')];
      const client = small.client();
      const next = (id: string) =>
        client.beta.messages.create({
          model: 'qwen3-coder',
          max_tokens: 50,
          messages: [{ role: 'user', content: 'and then?' }],
          thread: { type: 'continue', previous_message_id: id },
        });
      await expect(next(a)).rejects.toMatchObject({ status: 404, errorCode: 'thread_not_found' });
      expect((await next(b)).content).toMatchObject([{ type: 'text', text: 'B again.' }]);
    } finally {
      await small.close();
    }
  });
});

describe('a reply is continued once, as Anthropic’s threads are', () => {
  const params = { model: 'qwen3-coder', max_tokens: 50 };
  const continueFrom = (client: Anthropic, id: string, content = 'and then?') =>
    client.beta.messages.create({
      ...params,
      messages: [{ role: 'user', content }],
      thread: { type: 'continue', previous_message_id: id },
    });

  test('a second continue, during the first or after it, is refused', async () => {
    await upstream.script([says('One.'), says('Two.', 500)]);
    const client = ferry.client();
    const first = await client.beta.messages.create({
      ...params,
      messages: [{ role: 'user', content: 'one' }],
      thread: { type: 'create' },
    });
    const running = continueFrom(client, first.id);
    await expect.poll(async () => (await upstreamBodies()).length, { timeout: 5000 }).toBe(2);
    const during = continueFrom(client, first.id);
    await expect(during).rejects.toBeInstanceOf(Anthropic.ThreadContinueInFlightError);
    await expect(during).rejects.toMatchObject({
      status: 400,
      errorCode: 'thread_continue_in_flight',
      error: { error: { type: 'invalid_request_error' } },
    });
    expect((await running).content).toMatchObject([{ type: 'text', text: 'Two.' }]);
    const after = continueFrom(client, first.id);
    await expect(after).rejects.toBeInstanceOf(Anthropic.ThreadAlreadyContinuedError);
    await expect(after).rejects.toMatchObject({
      status: 400,
      errorCode: 'thread_already_continued',
    });
    expect(await upstreamBodies()).toHaveLength(2);
  });

  test('a continue that failed can be sent again', async () => {
    await upstream.script([
      says('One.'),
      { status: 500, body: { error: { message: 'engine fell over' } } },
      says('Two.'),
    ]);
    const client = ferry.client();
    const first = await client.beta.messages.create({
      ...params,
      messages: [{ role: 'user', content: 'one' }],
      thread: { type: 'create' },
    });
    await expect(continueFrom(client, first.id)).rejects.toBeInstanceOf(Anthropic.APIError);
    const again = await continueFrom(client, first.id);
    expect(again.content).toMatchObject([{ type: 'text', text: 'Two.' }]);
  });

  test('the SDK’s thread, continued elsewhere meanwhile, sends its whole conversation', async () => {
    const other = await startFerry({ upstream: upstream.url });
    try {
      await upstream.script([says('One.'), says('Elsewhere.'), says('Two.')]);
      const client = other.client();
      const thread = client.beta.messages.thread({ ...params, messages: [] });
      const first = await thread.send({ role: 'user', content: 'one' });
      await continueFrom(client, first.id, 'elsewhere');
      const reply = await thread.send({ role: 'user', content: 'two' });
      expect(reply.content).toMatchObject([{ type: 'text', text: 'Two.' }]);
      // Ferry answered thread_already_continued; the SDK then sent everything in a new thread.
      expect(loggedStatuses(other.logs)).toEqual([200, 200, 400, 200]);
      expect((await upstreamBodies())[2]?.messages).toEqual([
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 'One.' },
        { role: 'user', content: 'two' },
      ]);
    } finally {
      await other.close();
    }
  });
});
