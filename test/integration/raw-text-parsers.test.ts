import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createParseParts } from '../../src/server/create-parse-parts.js';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { startFerry, type TestFerry } from '../helpers/start-ferry.js';
import { chunk, finishChunk, sse, toolCallChunk, usageChunk } from '../helpers/vllm-chunks.js';

let upstream: ScriptedUpstream;
let ferry: TestFerry;

beforeAll(async () => {
  upstream = await startScriptedUpstream({
    flavor: 'vllm',
    models: ['qwen3-8b', 'qwen3-coder-30b', 'GLM-4.6'],
  });
  const warnings: string[] = [];
  const parseParts = createParseParts({
    toolCallParser: 'auto',
    reasoningParser: 'auto',
    onWarning: (message) => warnings.push(message),
  });
  ferry = await startFerry({ upstream: upstream.url, ...(parseParts ? { parseParts } : {}) });
});
afterAll(async () => {
  await ferry?.close();
  await upstream?.close();
});
beforeEach(async () => {
  await upstream.reset();
});

/** Raw model text as vLLM streams it without a tool parser: content deltas of a few chars. */
function rawText(text: string, size = 3): string[] {
  const pieces: object[] = [chunk({ role: 'assistant', content: '' })];
  for (let i = 0; i < text.length; i += size)
    pieces.push(chunk({ content: text.slice(i, i + size) }));
  return sse([...pieces, finishChunk('stop'), usageChunk(30, 40)]);
}

const tools: Anthropic.Tool[] = [
  {
    name: 'read_file',
    input_schema: {
      type: 'object',
      properties: { path: { type: 'string' }, limit: { type: 'integer' } },
    },
  },
];

describe('raw-text tool calls and reasoning through the official SDK', () => {
  test('Qwen3 (hermes + qwen3 reasoning, chosen by auto): thinking, text and a call', async () => {
    const text =
      '<think>The user wants the file.</think>Let me read it.\n<tool_call>\n{"name": "read_file", "arguments": {"path": "/tmp/ä.txt"}}\n</tool_call>';
    await upstream.script([{ sse: rawText(text) }]);
    const message = await ferry
      .client()
      .messages.stream({
        model: 'qwen3-8b',
        max_tokens: 200,
        tools,
        messages: [{ role: 'user', content: 'read' }],
        thinking: { type: 'adaptive' },
      })
      .finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toMatchObject([
      { type: 'thinking', thinking: 'The user wants the file.' },
      { type: 'text', text: expect.stringContaining('Let me read it.') },
      { type: 'tool_use', name: 'read_file', input: { path: '/tmp/ä.txt' } },
    ]);
  });

  test.each([
    { name: 'tool_choice none', extra: { tools, tool_choice: { type: 'none' as const } } },
    { name: 'no tools in the request', extra: {} },
  ])('with $name, a call the model writes anyway stays text', async ({ extra }) => {
    const call = '<tool_call>\n{"name": "read_file", "arguments": {"path": "/a"}}\n</tool_call>';
    await upstream.script([{ sse: rawText(`<think>Hm.</think>Sure.\n${call}`) }]);
    const message = await ferry
      .client()
      .messages.stream({
        model: 'qwen3-8b',
        max_tokens: 200,
        messages: [{ role: 'user', content: 'read' }],
        thinking: { type: 'adaptive' },
        ...extra,
      })
      .finalMessage();
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content).toMatchObject([
      { type: 'thinking', thinking: 'Hm.' },
      { type: 'text', text: `Sure.\n${call}` },
    ]);
  });

  test.each([true, false])(
    'disable_parallel_tool_use: one tool_use even when the model writes two (streamed: %s)',
    async (streamed) => {
      const call = (path: string) =>
        `<tool_call>\n{"name": "read_file", "arguments": {"path": "${path}"}}\n</tool_call>`;
      await upstream.script([
        { sse: rawText(`<think>Both.</think>Reading.\n${call('/a')}\n${call('/b')}`) },
      ]);
      const request = {
        model: 'qwen3-8b',
        max_tokens: 200,
        tools,
        tool_choice: { type: 'auto' as const, disable_parallel_tool_use: true },
        messages: [{ role: 'user' as const, content: 'read both' }],
      };
      const message = streamed
        ? await ferry.client().messages.stream(request).finalMessage()
        : await ferry.client().messages.create({ ...request, stop_sequences: ['never'] });
      expect(message.stop_reason).toBe('tool_use');
      expect(message.content.filter((block) => block.type === 'tool_use')).toMatchObject([
        { name: 'read_file', input: { path: '/a' } },
      ]);
      expect(message.content.at(-1)?.type).toBe('tool_use');
    },
  );

  test('Qwen3-Coder XML parameters are typed from the input schema', async () => {
    const text =
      '<tool_call>\n<function=read_file>\n<parameter=path>\n/a.txt\n</parameter>\n<parameter=limit>\n20\n</parameter>\n</function>\n</tool_call>';
    await upstream.script([{ sse: rawText(text, 5) }]);
    const message = await ferry.client().messages.create({
      model: 'qwen3-coder-30b',
      max_tokens: 200,
      tools,
      messages: [{ role: 'user', content: 'read' }],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toMatchObject([
      { type: 'tool_use', name: 'read_file', input: { path: '/a.txt', limit: 20 } },
    ]);
  });

  test('a truncated call comes back as text, not as an empty call', async () => {
    const text = 'Sure.<tool_call>\n{"name": "read_file", "argum';
    await upstream.script([{ sse: rawText(text) }]);
    const message = await ferry.client().messages.create({
      model: 'qwen3-coder-30b',
      max_tokens: 200,
      tools,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(message.stop_reason).toBe('end_turn');
    const joined = message.content
      .map((block) => (block.type === 'text' ? block.text : ''))
      .join('');
    expect(joined).toContain('{"name": "read_file", "argum');
  });

  test('structured tool calls from the upstream are not parsed a second time', async () => {
    await upstream.script([
      {
        sse: sse([
          toolCallChunk(0, {
            id: 'chatcmpl-tool-1',
            name: 'read_file',
            args: '{"path": "<tool_call>"}',
          }),
          finishChunk('tool_calls'),
          usageChunk(5, 5),
        ]),
      },
    ]);
    const message = await ferry.client().messages.create({
      model: 'qwen3-coder-30b',
      max_tokens: 200,
      tools,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(message.content).toMatchObject([
      { type: 'tool_use', name: 'read_file', input: { path: '<tool_call>' } },
    ]);
  });

  test('without thinking, a reply the model never put in </think> is not lost (GLM, auto)', async () => {
    const glm = (_label: string) =>
      ferry.client().messages.create({
        model: 'GLM-4.6',
        max_tokens: 200,
        tools: [
          {
            name: 'get_weather',
            input_schema: { type: 'object', properties: { city: { type: 'string' } } },
          },
        ],
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
      });
    await upstream.script([
      {
        sse: rawText(
          '<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n</tool_call>',
        ),
      },
      { sse: rawText('Paris is sunny.') },
      { sse: rawText('Let me check.</think>It is sunny.') },
    ]);
    expect((await glm('call')).content).toMatchObject([
      { type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect((await glm('text')).content).toEqual([
      { type: 'text', text: 'Paris is sunny.', citations: null },
    ]);
    // Reasoning that does end is still left out, as ever without thinking.
    expect((await glm('reasoned')).content).toEqual([
      { type: 'text', text: 'It is sunny.', citations: null },
    ]);
  });

  test('with thinking disabled the reply is text even for reasoning models', async () => {
    await upstream.script([{ sse: rawText('Just an answer.') }]);
    const message = await ferry.client().messages.create({
      model: 'qwen3-8b',
      max_tokens: 200,
      thinking: { type: 'disabled' },
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Just an answer.', citations: null }]);
  });
});
