import { readdirSync, readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startScriptedUpstream, type ScriptedUpstream } from './start-scripted-upstream.js';

const dir = new URL('../fixtures/upstream/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, dir), 'utf8');
const streams = readdirSync(dir).filter((name) => name.endsWith('.sse'));

let vllm: ScriptedUpstream;
let llama: ScriptedUpstream;
beforeAll(async () => {
  [vllm, llama] = await Promise.all([
    startScriptedUpstream({ flavor: 'vllm', models: ['qwen3-coder', 'small'], apiKey: 'k' }),
    startScriptedUpstream({ flavor: 'llama-server', models: ['model.gguf'], apiKey: 'k' }),
  ]);
});
afterAll(async () => {
  await Promise.all([vllm?.close(), llama?.close()]);
});
beforeEach(async () => {
  await Promise.all([vllm.reset(), llama.reset()]);
});

const auth = { authorization: 'Bearer k', 'content-type': 'application/json' };
const chatBody = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    model: 'qwen3-coder',
    messages: [{ role: 'user', content: 'hello there' }],
    stream: true,
    stream_options: { include_usage: true },
    ...extra,
  });
const chat = (
  upstream: ScriptedUpstream,
  extra: Record<string, unknown> = {},
  signal?: AbortSignal,
) =>
  fetch(`${upstream.url}/chat/completions`, {
    method: 'POST',
    headers: auth,
    body: chatBody(extra),
    signal: signal ?? AbortSignal.timeout(5000),
  });
const openai = (upstream: ScriptedUpstream): OpenAI =>
  new OpenAI({ baseURL: upstream.url, apiKey: 'k', maxRetries: 0, timeout: 5000 });

/** Streams with the official client and accumulates what a consumer would see. */
async function consume(upstream: ScriptedUpstream) {
  const stream = await openai(upstream).chat.completions.create({
    model: 'qwen3-coder',
    messages: [{ role: 'user', content: 'go' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let content = '';
  let reasoning = '';
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined;
  const calls: { id: string; name: string; arguments: string }[] = [];
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    const delta = choice.delta as typeof choice.delta & {
      reasoning?: string;
      reasoning_content?: string;
    };
    content += delta.content ?? '';
    reasoning += delta.reasoning ?? delta.reasoning_content ?? '';
    for (const call of delta.tool_calls ?? []) {
      const slot = (calls[call.index] ??= { id: '', name: '', arguments: '' });
      slot.id ||= call.id ?? '';
      slot.name += call.function?.name ?? '';
      slot.arguments += call.function?.arguments ?? '';
    }
    finish = choice.finish_reason ?? finish;
  }
  return { content, reasoning, finish, usage, calls };
}

describe('replaying fixtures', () => {
  test.each(streams)('%s arrives byte for byte', async (name) => {
    await vllm.script([{ fixture: name }]);
    const response = await chat(vllm);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await response.text()).toBe(fixture(name));
  });

  test.each(streams)('%s is consumed by the openai SDK', async (name) => {
    await vllm.script([{ fixture: name }]);
    const result = await consume(vllm);
    expect(result.finish).toMatch(/^(stop|length|tool_calls)$/);
    expect(result.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(result.content + result.reasoning + result.calls.length).not.toBe('0');
    for (const call of result.calls) {
      expect(call.id).not.toBe('');
      expect(call.name).not.toBe('');
      if (result.finish === 'tool_calls')
        expect(() => JSON.parse(call.arguments) as unknown).not.toThrow();
    }
  });

  test('the interleaved fixture accumulates into two complete calls', async () => {
    await vllm.script([{ fixture: 'vllm-parallel-tool-calls-interleaved.sse' }]);
    const { calls } = await consume(vllm);
    expect(calls.map((call) => JSON.parse(call.arguments) as unknown)).toEqual([
      { file_path: '/src/a.ts' },
      { file_path: '/src/b.ts' },
    ]);
  });

  test('an in-stream error object makes the openai SDK throw', async () => {
    await vllm.script([{ fixture: 'faults/vllm-stream-error.sse' }]);
    await expect(consume(vllm)).rejects.toThrow(/Internal server error/);
  });

  test('a non-streaming request gets the accumulated chat.completion', async () => {
    await vllm.script([{ fixture: 'vllm-reasoning-tool-call.sse' }]);
    const completion = await openai(vllm).chat.completions.create({
      model: 'qwen3-coder',
      messages: [{ role: 'user', content: 'go' }],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city": "Paris", "unit": "celsius"}' },
    });
    expect(completion.usage).toMatchObject({ prompt_tokens: 412, completion_tokens: 31 });
  });

  test('a response fixture sends its status, headers and body', async () => {
    await llama.script([{ fixture: 'responses/llama-server-context-length.json' }]);
    const response = await chat(llama);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 400,
        message:
          'request (40000 tokens) exceeds the available context size (32768 tokens), try increasing it',
        type: 'exceed_context_size_error',
        n_prompt_tokens: 40000,
        n_ctx: 32768,
      },
    });
  });
});

describe.each([
  ['vllm', () => vllm],
  ['llama-server', () => llama],
] as const)('generated %s streams', (flavor, upstream) => {
  test('text with reasoning, as the openai SDK sees it', async () => {
    await upstream().script([
      { text: 'Hi — there!', reasoning: 'Greet back.', chunkSize: 2, usage: { cached: 4 } },
    ]);
    const result = await consume(upstream());
    expect(result).toMatchObject({
      content: 'Hi — there!',
      reasoning: 'Greet back.',
      finish: 'stop',
    });
    expect(result.usage?.prompt_tokens_details?.cached_tokens).toBe(4);
  });

  test('interleaved parallel tool calls with ids in the engine format', async () => {
    await upstream().script([
      {
        toolCalls: [
          { name: 'Read', arguments: { file_path: '/a' } },
          { name: 'Bash', arguments: '{"command":"ls"}' },
        ],
        interleave: true,
        argsChunkSize: 3,
      },
    ]);
    const result = await consume(upstream());
    expect(result.finish).toBe('tool_calls');
    expect(result.calls.map((call) => [call.name, call.arguments])).toEqual([
      ['Read', '{"file_path":"/a"}'],
      ['Bash', '{"command":"ls"}'],
    ]);
    expect(result.calls[0]?.id).toMatch(
      flavor === 'vllm' ? /^chatcmpl-tool-/ : /^[A-Za-z0-9]{32}$/,
    );
  });

  test('the chunk envelope has the engine key order', async () => {
    await upstream().script([{ text: 'ok' }]);
    const text = await (await chat(upstream())).text();
    const first = text.split('\n\n')[0] ?? '';
    expect(first).toMatch(
      flavor === 'vllm'
        ? /^data: \{"id":"chatcmpl-[0-9a-f]{16}","object":"chat.completion.chunk","created":\d+,"model":"qwen3-coder","choices":\[\{"index":0,"delta":\{"role":"assistant","content":""\}/
        : /^data: \{"choices":\[\{"finish_reason":null,"index":0,"delta":\{"role":"assistant","content":null\}\}\],"created":\d+,"id":"chatcmpl-[A-Za-z0-9]{32}","model":"qwen3-coder","system_fingerprint":"[^"]+","object":"chat.completion.chunk"\}$/,
    );
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  test('no usage chunk unless the request asks for it', async () => {
    await upstream().script([{ text: 'ok' }]);
    const text = await (await chat(upstream(), { stream_options: undefined })).text();
    expect(text).not.toContain('"usage"');
  });

  test('the default reply echoes the last user message', async () => {
    const { content, finish } = await consume(upstream());
    expect(content).toBe('You said: go');
    expect(finish).toBe('stop');
  });

  test('401 in the engine shape without the key', async () => {
    const response = await fetch(`${upstream().url}/chat/completions`, {
      method: 'POST',
      body: chatBody(),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(
      flavor === 'vllm'
        ? { error: 'Unauthorized' }
        : { error: { code: 401, message: 'Invalid API Key', type: 'authentication_error' } },
    );
  });
});

describe('the control API', () => {
  test('replies are used in order and every request is recorded', async () => {
    await vllm.script([{ text: 'one' }, { status: 503, body: 'restarting' }]);
    await vllm.script({ text: 'three' });
    expect((await vllm.stats()).queued).toBe(3);
    expect((await consume(vllm)).content).toBe('one');
    const second = await chat(vllm);
    expect([second.status, await second.text()]).toEqual([503, 'restarting']);
    expect((await consume(vllm)).content).toBe('three');
    const requests = await vllm.requests();
    expect(requests.map((request) => [request.method, request.path, request.completed])).toEqual([
      ['POST', '/v1/chat/completions', true],
      ['POST', '/v1/chat/completions', true],
      ['POST', '/v1/chat/completions', true],
    ]);
    expect(requests[1]?.body).toMatchObject({
      messages: [{ role: 'user', content: 'hello there' }],
    });
    expect(requests[1]?.headers.authorization).toBe('Bearer k');
    await vllm.clearRequests();
    expect(await vllm.requests()).toEqual([]);
    expect(await vllm.stats()).toMatchObject({ received: 3, completed: 3, aborted: 0, queued: 0 });
  });

  test('headers and a delay are honoured', async () => {
    await vllm.script([
      {
        status: 429,
        delayMs: 150,
        headers: { 'retry-after': '2' },
        body: { error: { message: 'busy' } },
      },
    ]);
    const started = Date.now();
    const response = await chat(vllm);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.json()).toEqual({ error: { message: 'busy' } });
  });

  test('a client that goes away is recorded as aborted', async () => {
    await vllm.script([
      { hang: true },
      { text: 'slow reply', chunkSize: 1, interChunkDelayMs: 200 },
    ]);
    const hanging = new AbortController();
    const pending = chat(vllm, {}, hanging.signal).catch(() => undefined);
    await expect.poll(async () => (await vllm.stats()).inFlight, { timeout: 3000 }).toBe(1);
    hanging.abort();
    await pending;
    const slow = new AbortController();
    const response = await chat(vllm, {}, slow.signal);
    const reader = response.body!.getReader();
    await reader.read();
    slow.abort();
    await expect
      .poll(async () => (await vllm.requests()).map((request) => request.aborted), {
        timeout: 3000,
      })
      .toEqual([true, true]);
    expect(await vllm.stats()).toMatchObject({ aborted: 2, inFlight: 0 });
  });

  test('cutAfterChunks ends the connection mid-stream without [DONE]', async () => {
    await llama.script([{ fixture: 'llama-server-text-usage-chunk.sse', cutAfterChunks: 3 }]);
    const response = await chat(llama);
    const reader = response.body!.getReader();
    let received = '';
    const decoder = new TextDecoder();
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          received += decoder.decode(value as Uint8Array, { stream: true });
        }
      })(),
    ).rejects.toThrow();
    const pieces = fixture('llama-server-text-usage-chunk.sse').split(/(?<=\n\n)/);
    expect(received).toBe(pieces.slice(0, 3).join(''));
    const [entry] = await llama.requests();
    expect(entry).toMatchObject({ cut: true, aborted: false, completed: false });
  });

  test('the openai SDK reports a stream cut by cutAtEnd', async () => {
    await vllm.script([{ fixture: 'faults/vllm-cut-mid-stream.sse', cutAtEnd: true }]);
    await expect(consume(vllm)).rejects.toThrow();
  });
});

describe('the other endpoints', () => {
  test('vLLM: /v1/models with max_model_len, /tokenize in the chat form', async () => {
    const models = (await (await fetch(`${vllm.url}/models`, { headers: auth })).json()) as {
      data: { id: string; max_model_len: number; owned_by: string }[];
    };
    expect(models.data.map((model) => [model.id, model.max_model_len, model.owned_by])).toEqual([
      ['qwen3-coder', 32768, 'vllm'],
      ['small', 32768, 'vllm'],
    ]);
    const tokenize = await fetch(`${vllm.origin}/tokenize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' }, // vLLM guards only /v1 paths
      body: JSON.stringify({
        model: 'qwen3-coder',
        messages: [{ role: 'user', content: 'count me' }],
        add_generation_prompt: true,
      }),
    });
    const counted = (await tokenize.json()) as {
      count: number;
      max_model_len: number;
      tokens: number[];
    };
    expect(counted.count).toBe(counted.tokens.length);
    expect(counted.count).toBeGreaterThan(0);
    expect(counted.max_model_len).toBe(32768);
    expect((await fetch(`${vllm.origin}/apply-template`, { method: 'POST' })).status).toBe(404);
  });

  test('llama-server: /v1/models, /apply-template then /tokenize', async () => {
    const models = (await (await fetch(`${llama.url}/models`)).json()) as {
      data: { id: string; owned_by: string; meta: { n_ctx_train: number } }[];
    };
    expect(models.data[0]).toMatchObject({ id: 'model.gguf', owned_by: 'llamacpp' });
    const { prompt } = (await (
      await fetch(`${llama.origin}/apply-template`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ messages: [{ role: 'user', content: 'count me' }] }),
      })
    ).json()) as { prompt: string };
    expect(prompt).toContain('count me');
    const { tokens } = (await (
      await fetch(`${llama.origin}/tokenize`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ content: prompt, add_special: true, parse_special: true }),
      })
    ).json()) as { tokens: number[] };
    expect(tokens.length).toBeGreaterThan(0);
  });
});

test('--tokens and --default-reply shape the unscripted reply for load tests', async () => {
  const bench = await startScriptedUpstream({ defaultReply: 'alpha beta gamma', tokens: 7 });
  try {
    const text = await (await chat(bench)).text();
    const contents = [...text.matchAll(/"delta":\{"content":"([^"]*)"\}/g)].map((m) => m[1]);
    expect(contents.filter((piece) => piece !== '')).toHaveLength(7);
    expect(contents.join('')).toBe('alpha beta gamma alpha beta gamma alpha');
    expect(text).toContain('"completion_tokens":7');
  } finally {
    await bench.close();
  }
});
