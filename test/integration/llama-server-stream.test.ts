import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { llamaChunk, llamaFinish, llamaToolCall } from '../helpers/llama-server-chunks.js';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { startFerry, type TestFerry } from '../helpers/start-ferry.js';
import { streamedUsage } from '../helpers/streamed-usage.js';
import { sse } from '../helpers/vllm-chunks.js';

let upstream: ScriptedUpstream;
let ferry: TestFerry;

beforeAll(async () => {
  upstream = await startScriptedUpstream({ flavor: 'llama-server', models: ['qwen2.5-coder'] });
  ferry = await startFerry({ upstream: upstream.origin }); // llama-server users often omit /v1
});
afterAll(async () => {
  await ferry?.close();
  await upstream?.close();
});

const ask = {
  model: 'qwen2.5-coder',
  max_tokens: 300,
  messages: [{ role: 'user' as const, content: 'hi' }],
  thinking: { type: 'adaptive' as const },
};

describe('a llama-server upstream', () => {
  test('reasoning, text and usage inside the finish chunk', async () => {
    await upstream.script([
      {
        sse: sse([
          llamaChunk({ role: 'assistant', content: null }),
          llamaChunk({ reasoning_content: 'We' }),
          llamaChunk({ reasoning_content: ' greet.' }),
          llamaChunk({ content: 'Hello! 👋' }),
          llamaFinish('stop', 1085, 247),
        ]),
      },
    ]);
    const message = await ferry.client().messages.stream(ask).finalMessage();
    expect(message.content).toMatchObject([
      { type: 'thinking', thinking: 'We greet.' },
      { type: 'text', text: 'Hello! 👋' },
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 1085, output_tokens: 247 });
  });

  test('message_start carries the prompt count, from the timings Ferry asks for in every chunk', async () => {
    await upstream.script({
      text: 'Hello there',
      usage: { prompt: 300, completion: 3, cached: 280 },
    });
    const { thinking: _thinking, ...plain } = ask;
    const { start, delta } = await streamedUsage(ferry.client(), plain);
    expect(start).toMatchObject({ input_tokens: 20, cache_read_input_tokens: 280 });
    expect(delta).toMatchObject({
      input_tokens: 20,
      cache_read_input_tokens: 280,
      output_tokens: 3,
    });
    const request = (await upstream.requests()).findLast((entry) =>
      entry.path.endsWith('/chat/completions'),
    );
    expect(request?.body).toMatchObject({ timings_per_token: true });
  });

  test('a reply Ferry stops at a stop sequence counts its streamed tokens, not the first timings', async () => {
    await upstream.script({
      text: 'one two STOP three four five',
      chunkSize: 4,
      usage: { prompt: 50, completion: 8 },
      interChunkDelayMs: 30, // the last usage never comes: Ferry stops the upstream first
    });
    const { thinking: _thinking, ...plain } = ask;
    const message = await ferry.client().messages.create({ ...plain, stop_sequences: ['STOP'] });
    expect(message).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'STOP' });
    // The prompt's count came with the first chunk's timings; the output is the three deltas
    // streamed up to the match ('one ', 'two ', 'STOP'), where those timings said 1.
    expect(message.usage).toMatchObject({ input_tokens: 50, output_tokens: 3 });
  });

  test('a tool call whose arguments arrive in pieces', async () => {
    await upstream.script([
      {
        sse: sse([
          llamaChunk({ role: 'assistant', content: null }),
          llamaToolCall(0, {
            id: 'OeVGuHVRNLhMkBmhfRbMKaKTHvmpsDoM',
            name: 'get_weather',
            args: '',
          }),
          llamaToolCall(0, { args: '{"location":' }),
          llamaToolCall(0, { args: '"Paris"}' }),
          llamaFinish('tool_calls', 300, 20),
        ]),
      },
    ]);
    const message = await ferry.client().messages.create({
      ...ask,
      tools: [
        {
          name: 'get_weather',
          input_schema: { type: 'object', properties: { location: { type: 'string' } } },
        },
      ],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toMatchObject([
      { type: 'tool_use', name: 'get_weather', input: { location: 'Paris' } },
    ]);
  });
});
