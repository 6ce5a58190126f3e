import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { compactionPrompt } from '../../src/translate/compaction-request.js';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { addTool } from '../helpers/sdk-add-tool.js';
import { startFerry, type TestFerry } from '../helpers/start-ferry.js';
import { chunk, finishChunk, sse, toolCallChunk, usageChunk } from '../helpers/vllm-chunks.js';

// Compaction (`compaction: {type: "summarize"}`): the model summarizes the conversation, the
// reply is one `compaction` block, and later requests send it first instead of the messages.

let upstream: ScriptedUpstream;
let ferry: TestFerry;
let client: Anthropic;

beforeAll(async () => {
  upstream = await startScriptedUpstream({ flavor: 'vllm', models: ['qwen3-coder'] });
  ferry = await startFerry({ upstream: upstream.url });
  client = ferry.client();
});
afterAll(async () => {
  await ferry?.close();
  await upstream?.close();
});
beforeEach(async () => {
  await upstream.reset();
});

const summary = 'The user asked to add 2 and 3; the add tool returned 5.';
const says = (text: string) => ({
  sse: sse([chunk({ content: text }), finishChunk('stop'), usageChunk(40, 12)]),
});
const conversation: Anthropic.Beta.BetaMessageParam[] = [
  { role: 'user', content: 'add 2 and 3' },
  { role: 'assistant', content: 'It is 5.' },
];

interface ChatBody {
  messages: Array<{ role: string; content: unknown }>;
  tool_choice?: unknown;
  chat_template_kwargs?: unknown;
}
const chatBodies = (): Promise<ChatBody[]> => upstream.chatBodies<ChatBody>();

test.each([false, true])(
  'a compaction request (stream %s) answers one compaction block',
  async (stream) => {
    await upstream.script([says(summary)]);
    const params = {
      model: 'qwen3-coder',
      max_tokens: 500,
      tools: [{ name: 'add', input_schema: { type: 'object' as const } }],
      messages: conversation,
      compaction: { type: 'summarize' as const, instructions: 'Keep every number.' },
    };
    const message = stream
      ? await client.beta.messages.stream(params).finalMessage()
      : await client.beta.messages.create(params);
    expect(message.stop_reason).toBe('compaction');
    expect(message.content).toEqual([
      { type: 'compaction', content: summary, encrypted_content: null },
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 40, output_tokens: 12 });
    const [body] = await chatBodies();
    expect(body?.messages.at(-1)).toEqual({
      role: 'user',
      content: `${compactionPrompt}\n\nKeep every number.`,
    });
    expect(body?.tool_choice).toBe('none');
    expect(body?.chat_template_kwargs).toMatchObject({ enable_thinking: false });
  },
);

test('a later request sends the compaction first: the model reads the summary', async () => {
  await upstream.script([says('Go on.')]);
  await client.beta.messages.create({
    model: 'qwen3-coder',
    max_tokens: 50,
    messages: [
      { role: 'assistant', content: [{ type: 'compaction', content: summary }] },
      { role: 'user', content: 'and now?' },
    ],
  });
  const [body] = await chatBodies();
  expect(body?.messages).toEqual([
    { role: 'user', content: `Summary of the conversation so far:\n\n${summary}\n\nand now?` },
  ]);
});

test('the tool runner’s compactBeforeNextTurn() compacts its conversation', async () => {
  await upstream.script([
    {
      sse: sse([
        toolCallChunk(0, { id: 'call_1', name: 'add', args: '{"a":2,"b":3}' }),
        finishChunk('tool_calls'),
        usageChunk(30, 8),
      ]),
    },
    says('It is 5.'),
    says(summary),
    says('Nothing else to add.'),
  ]);
  const runner = client.beta.messages.toolRunner({
    model: 'qwen3-coder',
    max_tokens: 200,
    messages: [{ role: 'user', content: 'add 2 and 3' }],
    tools: [addTool],
  });
  const stops: Array<string | null> = [];
  for await (const message of runner) {
    stops.push(message.stop_reason);
    if (stops.length === 2) {
      runner.compactBeforeNextTurn();
      runner.pushMessages({ role: 'user', content: 'anything else?' });
    }
    if (stops.length === 4) break;
  }
  expect(stops).toEqual(['tool_use', 'end_turn', 'compaction', 'end_turn']);
  const bodies = await chatBodies();
  expect(bodies[3]?.messages[0]).toEqual({
    role: 'user',
    content: `Summary of the conversation so far:\n\n${summary}`,
  });
});

test('compaction with context_management is a 400; count_tokens ignores compaction', async () => {
  const refused = client.beta.messages.create({
    model: 'qwen3-coder',
    max_tokens: 50,
    messages: conversation,
    compaction: { type: 'summarize' },
    context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
  });
  await expect(refused).rejects.toMatchObject({
    status: 400,
    error: { error: { message: 'compaction: cannot be combined with context_management' } },
  });
  const counted = await client.beta.messages.countTokens({
    model: 'qwen3-coder',
    messages: conversation,
    compaction: { type: 'summarize' },
  });
  expect(counted.input_tokens).toBeGreaterThan(0);
});

describe('a compaction on a thread (the SDK’s thread().send with compaction)', () => {
  /** The SDK pointed at Ferry, and the bodies it sent. */
  const recordingClient = (): { client: Anthropic; sent: Array<Record<string, unknown>> } => {
    const sent: Array<Record<string, unknown>> = [];
    const client = new Anthropic({
      baseURL: ferry.url,
      apiKey: 'test-key',
      maxRetries: 0,
      fetch: async (url, init) => {
        if (typeof init?.body === 'string')
          sent.push(JSON.parse(init.body) as Record<string, unknown>);
        return fetch(url, init);
      },
    });
    return { client, sent };
  };
  const compactionParams = { compaction: { type: 'summarize' as const } };

  test('then a continue with no messages: the model reads the summary', async () => {
    await upstream.script([says('It is 5.'), says(summary), says('Go on.')]);
    const { client, sent } = recordingClient();
    const thread = client.beta.messages.thread({ model: 'qwen3-coder', max_tokens: 50 });
    await thread.send({ role: 'user', content: 'add 2 and 3' });
    const compacted = await thread.send({ role: 'user', content: 'sum up' }, compactionParams);
    expect(compacted.stop_reason).toBe('compaction');
    const reply = await thread.send();
    expect(reply.content).toMatchObject([{ type: 'text', text: 'Go on.' }]);
    // After a `compaction` stop the SDK continues with no messages of its own.
    expect(sent[2]).toMatchObject({
      messages: [],
      thread: { type: 'continue', previous_message_id: compacted.id },
    });
    expect((await chatBodies())[2]?.messages).toEqual([
      { role: 'user', content: `Summary of the conversation so far:\n\n${summary}` },
    ]);
  });

  test.each([
    ['the model wrote nothing', says('')],
    [
      'the summary was cut at max_tokens',
      {
        sse: sse([chunk({ content: 'The user asked' }), finishChunk('length'), usageChunk(40, 3)]),
      },
    ],
  ])('a failed compaction (%s) has no summary and keeps the conversation', async (_, failed) => {
    await upstream.script([says('It is 5.'), failed, says('Go on.')]);
    const { client } = recordingClient();
    const thread = client.beta.messages.thread({ model: 'qwen3-coder', max_tokens: 50 });
    await thread.send({ role: 'user', content: 'add 2 and 3' });
    const compacted = await thread.send({ role: 'user', content: 'sum up' }, compactionParams);
    expect(compacted.stop_reason).toBe('compaction');
    expect(compacted.content).toEqual([
      { type: 'compaction', content: null, encrypted_content: null },
    ]);
    await thread.send();
    expect((await chatBodies())[2]?.messages).toEqual([
      { role: 'user', content: 'add 2 and 3' },
      { role: 'assistant', content: 'It is 5.' },
      { role: 'user', content: 'sum up' },
    ]);
  });
});

test.each([false, true])(
  'a compaction cut at max_tokens (stream %s) has no summary',
  async (stream) => {
    await upstream.script([
      {
        sse: sse([chunk({ content: 'The user asked' }), finishChunk('length'), usageChunk(40, 3)]),
      },
    ]);
    const params = {
      model: 'qwen3-coder',
      max_tokens: 3,
      messages: conversation,
      compaction: { type: 'summarize' as const },
    };
    const message = stream
      ? await client.beta.messages.stream(params).finalMessage()
      : await client.beta.messages.create(params);
    expect(message.stop_reason).toBe('compaction');
    expect(message.content).toEqual([
      { type: 'compaction', content: null, encrypted_content: null },
    ]);
  },
);
