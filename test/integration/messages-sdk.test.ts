import Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import type { BetaMessage } from '@anthropic-ai/sdk/resources/beta/messages';
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { startFerry, type TestFerry } from '../helpers/start-ferry.js';
import { streamedUsage } from '../helpers/streamed-usage.js';
import { chunk, finishChunk, sse, toolCallChunk, usageChunk } from '../helpers/vllm-chunks.js';

let upstream: ScriptedUpstream;
let ferry: TestFerry;
let client: Anthropic;

beforeAll(async () => {
  upstream = await startScriptedUpstream({ flavor: 'vllm', models: ['qwen3-coder'] });
  ferry = await startFerry({ upstream: upstream.url, pingIntervalMs: 200 });
  client = ferry.client();
});
afterAll(async () => {
  await ferry?.close();
  await upstream?.close();
});
beforeEach(async () => {
  await upstream.reset();
});

const ask = {
  model: 'claude-opus-5-5',
  max_tokens: 1024,
  messages: [{ role: 'user' as const, content: 'hi' }],
};

describe('POST /v1/messages through the official SDK', () => {
  test('a streamed text reply is accepted by MessageStream and reports real usage', async () => {
    await upstream.script([
      {
        sse: sse([
          chunk({ role: 'assistant', content: '' }),
          chunk({ content: 'Hello' }),
          chunk({ content: ' there' }),
          finishChunk('stop'),
          usageChunk(21, 2, 16),
        ]),
      },
    ]);
    const stream = client.messages.stream(ask);
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'Hello there', citations: null }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.stop_details).toBeNull();
    expect(message.container).toBeNull();
    expect(message.model).toBe('claude-opus-5-5');
    expect(message.id).toMatch(/^msg_/);
    expect(message.usage).toMatchObject({
      input_tokens: 5,
      cache_read_input_tokens: 16,
      output_tokens: 2,
    });
  });

  test('the same reply without streaming', async () => {
    await upstream.script([
      { sse: sse([chunk({ content: 'Hi' }), finishChunk('length'), usageChunk(3, 1)]) },
    ]);
    const message = await client.messages.create(ask);
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'Hi' }],
      stop_reason: 'max_tokens',
    });
  });

  test('a Message has every field the SDK types declare', async () => {
    const script = sse([
      chunk({ content: 'Hi' }),
      toolCallChunk(0, { id: 'chatcmpl-tool-a', name: 'Bash', args: '{"command": "ls"}' }),
      finishChunk('tool_calls'),
      usageChunk(30, 4, 10),
    ]);
    await upstream.script([{ sse: script }]);
    // A tool_use comes back only where the request offered the tool, as with Anthropic.
    const request = {
      ...ask,
      tools: [{ name: 'Bash', input_schema: { type: 'object' as const, properties: {} } }],
    };
    const message = await client.messages.create(request);
    // Typed as the SDK's Message and BetaMessage: leaving out a field they declare does not
    // compile. Claude Code uses the beta client (?beta=true); the reply is the same.
    const expected: Message & BetaMessage = {
      id: expect.stringMatching(/^msg_01[A-Za-z0-9]{22}$/) as string,
      type: 'message',
      role: 'assistant',
      model: 'claude-opus-5-5',
      content: [
        { type: 'text', text: 'Hi', citations: null },
        {
          type: 'tool_use',
          id: expect.stringMatching(/^toolu_01[A-Za-z0-9]{22}$/) as string,
          name: 'Bash',
          input: { command: 'ls' },
          caller: { type: 'direct' },
        },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      context_management: null,
      usage: {
        input_tokens: 20,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 10,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
        output_tokens: 4,
        output_tokens_details: null,
        server_tool_use: null,
        service_tier: 'standard',
        inference_geo: null,
        speed: null,
        iterations: null,
        fallback_credit: null,
      },
    };
    expect(message).toEqual(expected);
    await upstream.script([{ sse: script }]);
    expect(await client.beta.messages.create(request)).toEqual(expected);
    await upstream.script([{ sse: script }]);
    // parsed_output is the SDK's own addition (structured outputs), not a wire field.
    expect(await client.beta.messages.stream(request).finalMessage()).toEqual({
      ...expected,
      parsed_output: null,
    });
  });

  test('tool calls stream as input_json_delta that concatenates to the input', async () => {
    await upstream.script([
      {
        sse: sse([
          chunk({ content: 'Let me look.' }),
          toolCallChunk(0, { id: 'chatcmpl-tool-a', name: 'Read', args: '' }),
          toolCallChunk(0, { args: '{"file_path": ' }),
          toolCallChunk(0, { args: '"/etc/hosts"}' }),
          toolCallChunk(1, { id: 'chatcmpl-tool-b', name: 'Bash', args: '{"command": "ls"}' }),
          finishChunk('tool_calls'),
          usageChunk(100, 30),
        ]),
      },
    ]);
    const jsonPieces: string[] = [];
    const stream = client.messages.stream({
      ...ask,
      tools: [
        {
          name: 'Read',
          input_schema: { type: 'object', properties: { file_path: { type: 'string' } } },
        },
        {
          name: 'Bash',
          input_schema: { type: 'object', properties: { command: { type: 'string' } } },
        },
      ],
    });
    stream.on('inputJson', (delta) => jsonPieces.push(delta));
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toMatchObject([
      { type: 'text', text: 'Let me look.' },
      {
        type: 'tool_use',
        name: 'Read',
        input: { file_path: '/etc/hosts' },
        id: expect.stringMatching(/^toolu_/),
      },
      { type: 'tool_use', name: 'Bash', input: { command: 'ls' } },
    ]);
    expect(jsonPieces.length).toBeGreaterThanOrEqual(3);
  });

  test('broken tool arguments still reach the SDK as an object, streamed or not', async () => {
    const reply = {
      sse: sse([
        toolCallChunk(0, { id: 'chatcmpl-tool-a', name: 'Weather', args: '{"city":' }),
        toolCallChunk(0, { args: '"Paris"}' }),
        toolCallChunk(0, { args: '}' }), // a stray brace: the SDK's parser would throw on it
        toolCallChunk(1, {
          id: 'chatcmpl-tool-b',
          name: 'Weather',
          args: '{"city":"Rome"}{"x":1}',
        }),
        toolCallChunk(2, { id: 'chatcmpl-tool-c', name: 'Weather', args: 'not json' }),
        toolCallChunk(3, { id: 'chatcmpl-tool-d', name: 'Weather', args: '{"city":"Oslo\n"' }),
        finishChunk('tool_calls'),
        usageChunk(100, 30),
      ]),
    };
    const tools = [
      {
        name: 'Weather',
        input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
      },
    ];
    const inputs = [{ city: 'Paris' }, { city: 'Rome' }, {}, { city: 'Oslo\n' }];
    await upstream.script([reply, reply]);
    const streamed = await client.messages.stream({ ...ask, tools }).finalMessage();
    const whole = await client.messages.create({ ...ask, tools });
    for (const message of [streamed, whole]) {
      expect(message.stop_reason).toBe('tool_use');
      expect(message.content.map((block) => block.type === 'tool_use' && block.input)).toEqual(
        inputs,
      );
    }
  });

  test('disable_parallel_tool_use: one tool_use, nothing after it, the engine’s own usage', async () => {
    const tools = [{ name: 'Read', input_schema: { type: 'object' as const, properties: {} } }];
    const request = {
      ...ask,
      tools,
      tool_choice: { type: 'auto' as const, disable_parallel_tool_use: true },
    };
    await upstream.script([
      {
        // One piece, so that it is one read and the usage comes with the stop.
        sse: [
          sse([
            toolCallChunk(0, { id: 'chatcmpl-tool-a', name: 'Read', args: '{"file_path":"/a"}' }),
            chunk({ content: 'and some text' }), // the call ends only at the finish chunk
            toolCallChunk(1, { id: 'chatcmpl-tool-b', name: 'Read', args: '{"file_path":"/b"}' }),
            finishChunk('tool_calls'),
            usageChunk(20, 30),
          ]).join(''),
        ],
      },
    ]);
    const message = await client.messages.stream(request).finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toMatchObject([{ type: 'tool_use', input: { file_path: '/a' } }]);
    expect(message.content).toHaveLength(1);
    // The usage chunk came in the same read as the stop: the engine's count, no tokenizer call.
    expect(message.usage).toMatchObject({ input_tokens: 20, output_tokens: 30 });
    expect((await upstream.requests()).some((r) => r.path.includes('tokenize'))).toBe(false);
  });

  test('tool_choice none: a tool call the engine returns anyway is left out', async () => {
    await upstream.script([
      {
        sse: sse([
          chunk({ content: 'No tools needed.' }),
          toolCallChunk(0, { id: 'chatcmpl-tool-a', name: 'Read', args: '{"file_path":"/a"}' }),
          finishChunk('tool_calls'),
          usageChunk(10, 8),
        ]),
      },
    ]);
    const message = await client.messages
      .stream({
        ...ask,
        tools: [{ name: 'Read', input_schema: { type: 'object', properties: {} } }],
        tool_choice: { type: 'none' },
      })
      .finalMessage();
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content).toEqual([{ type: 'text', text: 'No tools needed.', citations: null }]);
    expect(ferry.logs.some((line) => line.includes('did not allow'))).toBe(true);
  });

  test('reasoning becomes a thinking block with a signature', async () => {
    await upstream.script([
      {
        sse: sse([
          chunk({ reasoning_content: 'Think' }),
          chunk({ reasoning_content: 'ing.' }),
          chunk({ content: 'Done' }),
          finishChunk('stop'),
          usageChunk(4, 3),
        ]),
      },
    ]);
    const message = await client.messages
      .stream({ ...ask, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 } })
      .finalMessage();
    expect(message.content).toMatchObject([
      { type: 'thinking', thinking: 'Thinking.', signature: expect.any(String) },
      { type: 'text', text: 'Done' },
    ]);
  });

  test('thinking tokens in usage, counted from vLLM’s counts in every chunk', async () => {
    // Generated by the scripted vLLM: it counts in every chunk, as vLLM does when asked, and
    // does not report reasoning_tokens.
    await upstream.script([
      { reasoning: 'Let me think this through.', text: 'Done', chunkSize: 5 },
    ]);
    const message = await client.messages
      .stream({ ...ask, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 } })
      .finalMessage();
    const thinking = message.usage.output_tokens_details?.thinking_tokens ?? 0;
    expect(thinking).toBeGreaterThan(0);
    expect(thinking).toBeLessThan(message.usage.output_tokens);
  });

  test('without thinking enabled, reasoning a model writes anyway is left out', async () => {
    const reply = {
      sse: sse([
        chunk({ reasoning_content: 'Hidden.' }),
        chunk({ content: 'Done' }),
        finishChunk('stop'),
        usageChunk(4, 3),
      ]),
    };
    await upstream.script([reply, reply, reply]);
    for (const thinking of [undefined, { type: 'disabled' as const }]) {
      const message = await client.messages
        .stream({ ...ask, ...(thinking === undefined ? {} : { thinking }) })
        .finalMessage();
      expect(message.content).toEqual([{ type: 'text', text: 'Done', citations: null }]);
      expect(message.usage.output_tokens).toBe(3);
    }
    const whole = await client.messages.create(ask);
    expect(whole.content.map((block) => block.type)).toEqual(['text']);
  });

  test('between_tools: thinking switched off in the template, reasoning left out', async () => {
    await upstream.script({ text: 'Done', reasoning: 'Hidden.' });
    const message = await client.messages
      .stream({ ...ask, thinking: { type: 'between_tools' } })
      .finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'Done', citations: null }]);
    const [request] = await upstream.requests();
    expect(request?.body).toMatchObject({ chat_template_kwargs: { enable_thinking: false } });
  });

  test('max_tokens 0 reads the prompt (cache warming) and returns no content', async () => {
    const reply = { text: 'Hello', usage: { prompt: 30, completion: 1 } };
    await upstream.script([reply, reply]);
    const streamed = await client.messages.stream({ ...ask, max_tokens: 0 }).finalMessage();
    const whole = await client.messages.create({ ...ask, max_tokens: 0 });
    for (const message of [streamed, whole]) {
      expect(message).toMatchObject({ content: [], stop_reason: 'max_tokens' });
      expect(message.usage).toMatchObject({ input_tokens: 30, output_tokens: 0 });
    }
    const requests = await upstream.requests();
    expect(requests.map((request) => request.body)).toMatchObject([
      { max_tokens: 1 },
      { max_tokens: 1 },
    ]);
  });

  test('whitespace before a tool call opens no text block (sent back, it would be a 400)', async () => {
    await upstream.script({
      text: '\n\n',
      toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }],
    });
    const tools = [
      { name: 'get_weather', input_schema: { type: 'object' as const, properties: {} } },
    ];
    const message = await client.messages.stream({ ...ask, tools }).finalMessage();
    expect(message.content.map((block) => block.type)).toEqual(['tool_use']);
    await expect(
      client.messages.create({
        ...ask,
        messages: [
          ...ask.messages,
          { role: 'assistant', content: [{ type: 'text', text: '\n\n' }] },
          ...ask.messages,
        ],
      }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('non-whitespace text'),
    });
  });

  test('safeguards (Claude Code auto mode) are accepted and said, once, to run nowhere', async () => {
    await upstream.script([{ text: 'ok' }, { text: 'ok' }]);
    const safeguards = [{ type: 'dangerous_tool_use' }];
    for (let turn = 0; turn < 2; turn++) {
      const message = await client.messages.create({ ...ask, safeguards } as typeof ask);
      expect(message.content).toMatchObject([{ type: 'text', text: 'ok' }]);
    }
    const told = ferry.logs.filter((line) => line.includes('server-side safeguards'));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain('dangerous_tool_use');
  });

  test('stop_sequences end the reply and name the matched string', async () => {
    await upstream.script([
      {
        sse: sse([
          chunk({ content: 'one two ' }),
          chunk({ content: 'ST' }),
          chunk({ content: 'OP three' }),
          chunk({ content: ' four' }),
          finishChunk('stop'),
          usageChunk(4, 5),
        ]),
        interChunkDelayMs: 30, // the usage chunk comes reads after the stop, so never
      },
    ]);
    const message = await client.messages.create({ ...ask, stop_sequences: ['STOP'] });
    expect(message).toMatchObject({
      content: [{ type: 'text', text: 'one two ' }],
      stop_reason: 'stop_sequence',
      stop_sequence: 'STOP',
    });
    // Ferry stopped the upstream before its usage chunk: the prompt is counted instead.
    const { input_tokens } = await client.messages.countTokens(ask);
    expect(input_tokens).toBeGreaterThan(0);
    expect(message.usage.input_tokens).toBe(input_tokens);
  });

  test('the upstream receives the translated request (one JSON reply for a non-streaming client)', async () => {
    await upstream.script([
      { sse: sse([chunk({ content: 'ok' }), finishChunk('stop'), usageChunk(1, 1)]) },
    ]);
    // Sampling fields older clients send; the current SDK types no longer list them.
    const sampling = { temperature: 0.2, top_k: 20 };
    await client.messages.create({
      ...ask,
      ...sampling,
      system: [
        { type: 'text', text: 'x-anthropic-billing-header: cc_version=1;' },
        { type: 'text', text: 'Be brief.' },
      ],
      metadata: { user_id: 'u1' },
    });
    const [request] = await upstream.requests();
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.body).toEqual({
      model: 'qwen3-coder',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      max_tokens: 1024,
      temperature: 0.2,
      top_k: 20,
      user: 'u1',
      stream: false,
    });
  });

  test('a streaming client gets an upstream stream with usage', async () => {
    await upstream.script([
      { sse: sse([chunk({ content: 'ok' }), finishChunk('stop'), usageChunk(1, 1)]) },
    ]);
    await client.messages.stream(ask).finalMessage();
    const [request] = await upstream.requests();
    expect(request?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  test('from vLLM, message_start carries the prompt token count, as Anthropic sends it', async () => {
    // The scripted vLLM honours stream_options.continuous_usage_stats as vLLM does.
    await upstream.script({ text: 'Hello there', usage: { prompt: 42, completion: 3 } });
    const { start, delta } = await streamedUsage(client, ask);
    expect(start).toMatchObject({ input_tokens: 42, output_tokens: 0 });
    expect(delta).toMatchObject({ input_tokens: 42, output_tokens: 3 });
  });

  test('structured outputs: the schema reaches the upstream and the SDK parses the reply', async () => {
    await upstream.script([
      { sse: sse([chunk({ content: '{"answer": 4}' }), finishChunk('stop'), usageChunk(9, 5)]) },
    ]);
    const message = await client.messages.parse({
      ...ask,
      output_config: { format: zodOutputFormat(z.object({ answer: z.number() })) },
    });
    expect(message.parsed_output).toEqual({ answer: 4 });
    const [request] = await upstream.requests();
    expect(request?.body).toMatchObject({
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'output',
          strict: true,
          schema: { type: 'object', properties: { answer: { type: 'number' } } },
        },
      },
    });
  });

  test('structured outputs under their first name, output_format, are not dropped', async () => {
    await upstream.script([
      { sse: sse([chunk({ content: '{"ok": true}' }), finishChunk('stop'), usageChunk(9, 4)]) },
    ]);
    // The SDK renames it before sending; other clients send it as is.
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } } };
    const response = await fetch(`${ferry.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ ...ask, output_format: { type: 'json_schema', schema } }),
    });
    expect(response.status).toBe(200);
    const [request] = await upstream.requests();
    expect(request?.body).toMatchObject({
      response_format: { type: 'json_schema', json_schema: { schema } },
    });
  });

  test('an MCP toolset in tools is refused naming the MCP connector', async () => {
    const refused = client.beta.messages.create({
      ...ask,
      mcp_servers: [],
      tools: [{ type: 'mcp_toolset', mcp_server_name: 'docs' }],
      betas: ['mcp-client-2025-11-20'],
    });
    await expect(refused).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining(
        "tools.0: tool type 'mcp_toolset' (docs) needs the MCP connector, which is not available with self-hosted models",
      ),
    });
    expect(await upstream.requests()).toEqual([]);
  });

  test('MCP servers for the API to call are refused by name, not ignored', async () => {
    const refused = client.beta.messages.create({
      ...ask,
      mcp_servers: [{ type: 'url', url: 'https://mcp.example.com/sse', name: 'example' }],
      betas: ['mcp-client-2025-04-04'],
    });
    await expect(refused).rejects.toMatchObject({
      status: 400,
      error: {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: expect.stringMatching(/^mcp_servers: the MCP connector is not available/),
        },
      },
    });
    expect(await upstream.requests()).toEqual([]);
  });

  test('a conversation that used Anthropic’s server tools goes on: the model reads what they did', async () => {
    await upstream.script([
      { sse: sse([chunk({ content: 'You are welcome.' }), finishChunk('stop'), usageChunk(9, 3)]) },
    ]);
    // What Anthropic's API answered to a web search turn, sent back as the SDK types it.
    const searched: Anthropic.Beta.BetaContentBlockParam[] = [
      { type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: { query: 'ferry' } },
      {
        type: 'web_search_tool_result',
        tool_use_id: 'srvtoolu_01',
        content: [
          {
            type: 'web_search_result',
            title: 'Timetable',
            url: 'https://a.example/t',
            encrypted_content: 'EqgfCioIARgBIiQ3',
          },
        ],
      },
      { type: 'text', text: 'The first ferry leaves at 7.' },
    ];
    const message = await client.beta.messages.create({
      ...ask,
      messages: [
        { role: 'user', content: 'When does the first ferry leave?' },
        { role: 'assistant', content: searched },
        { role: 'user', content: 'Thanks!' },
      ],
    });
    expect(message.content).toMatchObject([{ type: 'text', text: 'You are welcome.' }]);
    const [body] = await upstream.chatBodies<{ messages: unknown[] }>();
    expect(body?.messages).toEqual([
      { role: 'user', content: 'When does the first ferry leave?' },
      {
        role: 'assistant',
        content:
          '[web_search call: {"query":"ferry"}]\n\n[web search result]\n1. Timetable: https://a.example/t\n\nThe first ferry leaves at 7.',
      },
      { role: 'user', content: 'Thanks!' },
    ]);
    // In a user turn they are out of place, as on Anthropic's API.
    await expect(
      client.beta.messages.create({
        ...ask,
        messages: [{ role: 'user', content: searched }],
      }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining(
        "messages.0.content.0.type: 'server_tool_use' blocks are only allowed in assistant messages",
      ),
    });
  });

  test('Anthropic’s text editor and bash tools reach the model with their schemas; calls come back as tool_use', async () => {
    await upstream.script([
      {
        sse: sse([
          toolCallChunk(0, {
            id: 'call_1',
            name: 'str_replace_based_edit_tool',
            args: '{"command":"view","path":"/tmp/a.txt"}',
          }),
          finishChunk('tool_calls'),
          usageChunk(40, 9),
        ]),
      },
    ]);
    const message = await client.messages.create({
      ...ask,
      tools: [
        { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' },
        { type: 'bash_20250124', name: 'bash' },
      ],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toMatchObject([
      {
        type: 'tool_use',
        name: 'str_replace_based_edit_tool',
        input: { command: 'view', path: '/tmp/a.txt' },
      },
    ]);
    const [request] = await upstream.requests();
    const tools = (
      request?.body as {
        tools: Array<{ function: { name: string; parameters: { required?: string[] } } }>;
      }
    ).tools;
    expect(tools.map((tool) => tool.function.name)).toEqual([
      'str_replace_based_edit_tool',
      'bash',
    ]);
    expect(tools[0]?.function.parameters.required).toEqual(['command', 'path']);
  });

  describe('tool search', () => {
    const tools: Anthropic.Tool[] = [
      { name: 'ToolSearch', input_schema: { type: 'object', properties: {} } },
      {
        name: 'NotebookEdit',
        description: 'Edit a notebook cell',
        input_schema: { type: 'object', properties: { source: { type: 'string' } } },
        defer_loading: true,
      },
    ];
    const afterSearch = (toolName: string): Anthropic.MessageParam[] => [
      { role: 'user', content: 'add a cell' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'ToolSearch', input: { query: 'notebook' } },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'toolu_1',
            content: [{ type: 'tool_reference', tool_name: toolName }],
          },
        ],
      },
    ];

    test('a tool_reference loads its deferred tool for the model, which can call it', async () => {
      await upstream.script([
        {
          sse: sse([
            toolCallChunk(0, { id: 'call_1', name: 'NotebookEdit', args: '{"source":"x"}' }),
            finishChunk('tool_calls'),
            usageChunk(30, 5),
          ]),
        },
      ]);
      const message = await client.messages.create({
        ...ask,
        tools,
        messages: afterSearch('NotebookEdit'),
      });
      expect(message.content).toMatchObject([
        { type: 'tool_use', name: 'NotebookEdit', input: { source: 'x' } },
      ]);
      const [request] = await upstream.requests();
      const body = request?.body as {
        tools: Array<{ function: { name: string } }>;
        messages: unknown[];
      };
      expect(body.tools.map((tool) => tool.function.name)).toEqual(['ToolSearch', 'NotebookEdit']);
      expect(body.messages.at(-1)).toEqual({
        role: 'tool',
        tool_call_id: 'toolu_1',
        content: 'Tool loaded: NotebookEdit',
      });
    });

    test('a tool_reference to a tool not in tools is the SDK’s ToolReferenceUnresolvedError', async () => {
      const refused = client.messages.create({ ...ask, tools, messages: afterSearch('Gone') });
      await expect(refused).rejects.toBeInstanceOf(Anthropic.ToolReferenceUnresolvedError);
      await expect(refused).rejects.toMatchObject({
        status: 400,
        errorCode: 'tool_reference_unresolved',
      });
      expect(await upstream.requests()).toEqual([]);
    });
  });

  describe('mid-conversation system messages', () => {
    const tools: Anthropic.Beta.BetaToolUnion[] = [
      { name: 'get_time', input_schema: { type: 'object', properties: {} } },
      { name: 'Read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } },
    ];
    const lookup: Anthropic.Beta.BetaTool = {
      name: 'lookup',
      description: 'Look a word up',
      input_schema: { type: 'object', properties: { word: { type: 'string' } } },
    };
    const messages: Anthropic.Beta.BetaMessageParam[] = [
      { role: 'user', content: 'what time is it?' },
      { role: 'system', content: 'Answer in French.', clear_at: 'next_user_message' },
      { role: 'assistant', content: 'Je ne sais pas.' },
      {
        role: 'system',
        content: [
          { type: 'text', text: 'The clock is offline.' },
          { type: 'tool_removal', tool: { type: 'tool_reference', name: 'get_time' } },
          { type: 'tool_addition', tool: { type: 'tool_definition', definition: lookup } },
        ],
      },
      { role: 'system', content: [], output_config: { effort: 'low' } },
      { role: 'user', content: 'define "clock"' },
    ];
    const betas = ['mid-conversation-tool-changes-2026-07-01', 'inline-tools-2026-09-15'];

    test('tool changes reach the upstream’s tools; a per-turn effort its reasoning_effort', async () => {
      await upstream.script([
        {
          sse: sse([
            toolCallChunk(0, { id: 'call_1', name: 'lookup', args: '{"word":"clock"}' }),
            finishChunk('tool_calls'),
            usageChunk(40, 6),
          ]),
        },
      ]);
      const message = await client.beta.messages.create({
        ...ask,
        output_config: { effort: 'high' },
        tools,
        messages,
        betas,
      });
      expect(message.content).toMatchObject([
        { type: 'tool_use', name: 'lookup', input: { word: 'clock' } },
      ]);
      const [request] = await upstream.requests();
      const body = request?.body as {
        tools: Array<{ function: { name: string } }>;
        messages: Array<{ role: string; content: unknown }>;
        reasoning_effort?: string;
      };
      expect(body.tools.map((tool) => tool.function.name)).toEqual(['Read', 'lookup']);
      expect(body.reasoning_effort).toBe('low');
      // The cleared instruction is gone; the changes read where they were made.
      expect(body.messages).toEqual([
        { role: 'user', content: 'what time is it?' },
        { role: 'assistant', content: 'Je ne sais pas.' },
        {
          role: 'user',
          content:
            'The clock is offline.\n\nTool removed: get_time\n\nTool added: lookup\n\ndefine "clock"',
        },
      ]);
    });

    test('count_tokens takes the same messages', async () => {
      const counted = await client.beta.messages.countTokens({
        model: ask.model,
        tools,
        messages,
        betas,
      });
      expect(counted.input_tokens).toBeGreaterThan(0);
    });

    test('a tool_addition naming a tool nothing defines is a 400', async () => {
      const refused = client.beta.messages.create({
        ...ask,
        tools,
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'system',
            content: [{ type: 'tool_addition', tool: { type: 'tool_reference', name: 'Gone' } }],
          },
        ],
        betas,
      });
      await expect(refused).rejects.toBeInstanceOf(Anthropic.BadRequestError);
      await expect(refused).rejects.toMatchObject({
        error: {
          error: {
            type: 'invalid_request_error',
            message:
              "messages.1.content.0.tool.name: tool_addition names 'Gone', which is not defined in `tools` or by an earlier tool_addition",
          },
        },
      });
      expect(await upstream.requests()).toEqual([]);
    });
  });

  test('?beta=true and unknown betas are accepted', async () => {
    await upstream.script([
      { sse: sse([chunk({ content: 'ok' }), finishChunk('stop'), usageChunk(1, 1)]) },
    ]);
    const message = await client.beta.messages.create({
      ...ask,
      betas: ['claude-code-20250219', 'made-up-2099-01-01'],
    });
    expect(message.content).toMatchObject([{ type: 'text', text: 'ok' }]);
  });
});
