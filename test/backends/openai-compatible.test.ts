import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Backend } from '../../src/backends/backend.js';
import { OpenAICompatibleBackend } from '../../src/backends/openai-compatible/openai-compatible-backend.js';
import { messagesRequestSchema } from '../../src/protocol/messages-request-schema.js';
import { buildModelRequest } from '../../src/translate/build-model-request.js';
import { ToolConversionCache } from '../../src/translate/tool-conversion-cache.js';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import {
  collect,
  describeBackendConformance,
  modelRequest,
  type BackendHarness,
} from './backend.case.js';
import { closedPort } from '../reliability/helpers/stalled-listener.js';
import { chatRequests, startScriptedBackend, textOf } from './start-scripted-backend.js';

// The OpenAI-compatible backend against the scripted upstream, once per engine wire format.
for (const flavor of ['vllm', 'llama-server'] as const) {
  let upstream: ScriptedUpstream;
  let harness: BackendHarness;

  beforeAll(async () => {
    upstream = await startScriptedUpstream({ flavor, models: ['test-model'], maxModelLen: 4096 });
    harness = {
      backend: new OpenAICompatibleBackend({ url: upstream.url, retries: 0 }),
      model: 'test-model',
      contextTokens: 4096,
      nextReplyRunsPastMaxTokens: (maxTokens) =>
        upstream.script({
          text: 'word '.repeat(maxTokens),
          finishReason: 'length',
          usage: { completion: maxTokens },
        }),
      nextReplyIsSlow: () => upstream.script({ text: 'slow '.repeat(40), interChunkDelayMs: 50 }),
      nextReplyCallsTool: (name, input) =>
        upstream.script({ toolCalls: [{ name, arguments: input }] }),
      nextPromptOverflows: (promptTokens) => upstream.script(overflowError(flavor, promptTokens)),
    };
  });

  afterAll(async () => {
    await harness.backend.close();
    await upstream.close();
  });

  describeBackendConformance(`OpenAI-compatible (${flavor})`, () => harness);
}

/** What each engine answers when the prompt does not fit its context. */
function overflowError(flavor: 'vllm' | 'llama-server', promptTokens: number) {
  if (flavor === 'vllm') {
    return {
      status: 400,
      body: {
        error: {
          message: `The decoder prompt (length ${promptTokens}) is longer than the maximum model length of 4096. Make sure that \`max_model_len\` is no smaller than the number of text tokens.`,
          type: 'BadRequestError',
          code: 400,
        },
      },
    };
  }
  return {
    status: 400,
    body: {
      error: {
        code: 400,
        message: `the request exceeds the available context size, try increasing it`,
        type: 'exceed_context_size_error',
        n_prompt_tokens: promptTokens,
        n_ctx: 4096,
      },
    },
  };
}

describe('OpenAI-compatible: a connection the upstream drops', () => {
  // A wait between attempts far beyond the test's time limit: a retry that waited would fail it.
  const scripted = startScriptedBackend(
    { flavor: 'vllm', models: ['test-model'] },
    { retries: 2, retryDelayMs: 600_000 },
  );

  test('a request the upstream closes the connection on goes again at once, on a new connection', async () => {
    await scripted.upstream.script([{ drop: true }, { text: 'fine' }]);
    await scripted.upstream.clearRequests();
    const parts = await collect(scripted.backend, modelRequest('test-model', { stream: true }));
    expect(textOf(parts)).toBe('fine');
    const sent = await chatRequests(scripted.upstream);
    expect(sent.map((entry) => entry.cut)).toEqual([true, false]);
  });
});

describe('OpenAI-compatible: Ollama', () => {
  const scripted = startScriptedBackend(
    { flavor: 'vllm', models: ['qwen3-coder:latest'] },
    { retries: 0 },
  );

  test('a model that cannot think: asked again without reasoning_effort, and then never with it', async () => {
    // Ollama (server/routes.go) when reasoning_effort, read as "think", meets such a model.
    const refusal = {
      status: 400,
      body: {
        error: {
          message: '"qwen3-coder:latest" does not support thinking',
          type: 'invalid_request_error',
        },
      },
    };
    await scripted.upstream.script([refusal, { text: 'first' }, { text: 'second' }]);
    await scripted.upstream.clearRequests();
    const ask = { stream: true, output_config: { effort: 'high' as const } };
    for (const expected of ['first', 'second'])
      expect(textOf(await collect(scripted.backend, modelRequest('qwen3-coder:latest', ask)))).toBe(
        expected,
      );
    const sent = await scripted.upstream.chatBodies<{ reasoning_effort?: string }>();
    expect(sent.map((body) => body.reasoning_effort)).toEqual(['high', undefined, undefined]);
  });

  test('no model pulled (data: null) is an empty list, not a broken answer', async () => {
    const server = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"object":"list","data":null}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const backend = new OpenAICompatibleBackend({ url: `http://127.0.0.1:${port}`, retries: 0 });
    try {
      expect(await backend.listModels()).toEqual([]);
    } finally {
      await backend.close();
      server.close();
    }
  });
});

describe("OpenAI-compatible: the upstream's model list", () => {
  test('a list past its age is fetched again behind the request, which does not wait for it', async () => {
    const upstream = await startScriptedUpstream({ models: ['test-model'] });
    const backend = new OpenAICompatibleBackend({
      url: upstream.url,
      retries: 0,
      modelListMaxAgeMs: 0,
    });
    try {
      expect(await backend.listModels()).toEqual(['test-model']);
      // The next fetch of the list never answers: a request that waited for it would time out.
      await upstream.script([{ endpoint: 'models', hang: true }, { text: 'fine' }]);
      await upstream.clearRequests();
      const parts = await collect(backend, modelRequest('test-model', { stream: true }));
      expect(textOf(parts)).toBe('fine');
      // The reply is whole while the list's fetch is still waiting for its answer.
      expect((await upstream.stats()).inFlight).toBe(1);
      const paths = (await upstream.requests()).map((entry) => `${entry.method} ${entry.path}`);
      expect(paths).toContain('GET /v1/models');
      expect(paths).toContain('POST /v1/chat/completions');
    } finally {
      await backend.close();
      await upstream.close();
    }
  });

  test('an engine restarted with another model: the 404 sends for the list again, and the request goes to the model served now', async () => {
    const upstream = await startScriptedUpstream({ models: ['model-a'], strictModels: true });
    const backend = new OpenAICompatibleBackend({ url: upstream.url, retries: 0 });
    try {
      await upstream.script({ text: 'from a' });
      expect(textOf(await collect(backend, modelRequest('served-name', { stream: true })))).toBe(
        'from a',
      );
      await upstream.serveModels(['model-b']);
      await upstream.script({ text: 'from b' });
      await upstream.clearRequests();
      expect(textOf(await collect(backend, modelRequest('served-name', { stream: true })))).toBe(
        'from b',
      );
      const sent = await upstream.chatBodies<{ model: string }>();
      expect(sent.map((body) => body.model)).toEqual(['model-a', 'model-b']);
      expect(sent[0]).toEqual({ ...sent[1], model: 'model-a' });
    } finally {
      await backend.close();
      await upstream.close();
    }
  });

  test('a model the upstream does not have, before and after a new list: its 404 is the answer', async () => {
    const upstream = await startScriptedUpstream({
      models: ['model-a', 'model-b'],
      strictModels: true,
    });
    const backend = new OpenAICompatibleBackend({ url: upstream.url, retries: 0 });
    try {
      await expect(
        collect(backend, modelRequest('model-c', { stream: true })),
      ).rejects.toMatchObject({ type: 'not_found_error' });
      expect(await chatRequests(upstream)).toHaveLength(1);
    } finally {
      await backend.close();
      await upstream.close();
    }
  });
});

describe('OpenAI-compatible: whether the upstream answers (GET /v1/models)', () => {
  test('a list fetched lately is answer enough; an old one, or one a fetch failed to renew, is not', async () => {
    const upstream = await startScriptedUpstream({ models: ['test-model'] });
    const backend = new OpenAICompatibleBackend({ url: upstream.url, retries: 0 });
    try {
      await backend.checkReachable();
      await upstream.clearRequests();
      await backend.checkReachable();
      expect(await upstream.requests()).toEqual([]); // not asked again within seconds
      await upstream.close();
      const now = Date.now();
      vi.spyOn(Date, 'now').mockReturnValue(now + 60_000);
      await expect(backend.checkReachable()).rejects.toMatchObject({ type: 'api_error' });
      vi.restoreAllMocks();
      // The list is recent by its age, but the fetch that was to renew it failed.
      await expect(backend.checkReachable()).rejects.toMatchObject({ type: 'api_error' });
      // Requests keep the old list: the chat call itself reports the upstream.
      expect(await backend.listModels()).toEqual(['test-model']);
    } finally {
      vi.restoreAllMocks();
      await backend.close();
      await upstream.close();
    }
  });

  test("a list that has come is given without a listener on the request's signal", async () => {
    const upstream = await startScriptedUpstream({ models: ['test-model'] });
    const backend = new OpenAICompatibleBackend({ url: upstream.url, retries: 0 });
    try {
      const signal = new AbortController().signal;
      const listen = vi.spyOn(signal, 'addEventListener');
      expect(await backend.listModels(signal)).toEqual(['test-model']); // waited for: guarded
      expect(await backend.listModels(signal)).toEqual(['test-model']);
      await backend.contextLength('test-model', signal);
      expect(listen).toHaveBeenCalledTimes(1);
    } finally {
      await backend.close();
      await upstream.close();
    }
  });
});

describe('OpenAI-compatible: an upstream model list that does not come', () => {
  test('every waiter gets a 504 at the list’s own deadline; one that leaves stops only its own wait', async () => {
    const upstream = await startScriptedUpstream({ models: ['test-model'] });
    const backend = new OpenAICompatibleBackend({
      url: upstream.url,
      retries: 0,
      modelListTimeoutMs: 300,
    });
    try {
      await upstream.script({ endpoint: 'models', hang: true });
      const leaving = new AbortController();
      const left = backend.listModels(leaving.signal);
      const waiting = backend.listModels(AbortSignal.timeout(10_000));
      leaving.abort(new Error('client left'));
      await expect(left).rejects.toThrow('client left');
      await expect(waiting).rejects.toMatchObject({
        type: 'timeout_error',
        status: 504,
        message: `The upstream did not answer GET ${upstream.url.replace(/\/v1$/, '')}/v1/models within 0.3 s`,
      });
      // The next request asks again, and gets the list.
      expect(await backend.listModels()).toEqual(['test-model']);
    } finally {
      await backend.close();
      await upstream.close();
    }
  });
});

describe('OpenAI-compatible: with served names configured', () => {
  test.each([
    ['lists its models', undefined, true],
    ['has no model list (404)', { endpoint: 'models' as const, status: 404 }, true],
    ['is not there', 'closed', false],
  ])('an upstream that %s: reachable %s', async (_name, reply, reachable) => {
    const upstream = await startScriptedUpstream({ models: ['test-model'] });
    const url = reply === 'closed' ? `http://127.0.0.1:${await closedPort()}/v1` : upstream.url;
    const backend = new OpenAICompatibleBackend({ url, retries: 0, servedModelNames: ['x'] });
    try {
      if (typeof reply === 'object') await upstream.script(reply);
      await upstream.clearRequests();
      expect(await backend.listModels()).toEqual(['x']); // without asking the upstream
      expect(await upstream.requests()).toEqual([]);
      const check = backend.checkReachable();
      if (reachable) await expect(check).resolves.toBeUndefined();
      else await expect(check).rejects.toMatchObject({ type: 'api_error' });
    } finally {
      await backend.close();
      await upstream.close();
    }
  });
});

describe('OpenAI-compatible: credentials in the upstream URL', () => {
  test.each([
    [{}, `Basic ${Buffer.from('user:p@ss word').toString('base64')}`],
    [{ apiKey: 'key-1' }, 'Bearer key-1'],
  ])(
    'with %j, sent as %s; the password is kept out of error text',
    async (options, authorization) => {
      const upstream = await startScriptedUpstream({ models: ['test-model'] });
      const { host } = new URL(upstream.url);
      const backend = new OpenAICompatibleBackend({
        url: `http://user:p%40ss%20word@${host}/v1`,
        retries: 0,
        ...options,
      });
      try {
        await upstream.script({ status: 400, body: { error: { message: 'bad p@ss word' } } });
        const failed: unknown = await collect(backend, modelRequest('test-model')).catch(
          (error: unknown) => error,
        );
        const requests = await upstream.requests();
        expect(requests.map((entry) => entry.headers.authorization)).toEqual([
          authorization,
          authorization,
        ]);
        expect((failed as Error).message).toBe('Upstream error (HTTP 400): bad [redacted]');
      } finally {
        await backend.close();
        await upstream.close();
      }
    },
  );
});

describe('OpenAI-compatible: the request body', () => {
  const scripted = startScriptedBackend({ flavor: 'vllm', models: ['test-model'] });

  // With tools, the body goes to the upstream in two pieces, which the retry joins again.
  test('max_tokens past the context is retried once with exactly the room left, the body otherwise byte-identical', async () => {
    await scripted.upstream.script([
      {
        status: 400,
        body: {
          object: 'error',
          message:
            "This model's maximum context length is 4096 tokens. However, you requested 33000 tokens (1000 in the messages, 32000 in the completion). Please reduce the length of the messages or completion.",
          type: 'BadRequestError',
          param: null,
          code: 400,
        },
      },
      { text: 'fits now', finishReason: 'length' },
    ]);
    await scripted.upstream.clearRequests();
    const parts = await collect(
      scripted.backend,
      modelRequest('test-model', {
        max_tokens: 32000,
        stream: true,
        messages: [{ role: 'user', content: 'hello ✓' }],
        tools: [{ name: 'Read', input_schema: { type: 'object', properties: {} } }],
      }),
    );
    // Running out of the capped budget means the context window was full.
    expect(parts).toContainEqual({ type: 'finish', reason: 'context-window-exceeded' });
    const sent = (await scripted.upstream.requests()).filter((entry) =>
      entry.path.endsWith('/completions'),
    );
    expect(sent.map((entry) => (entry.body as { max_tokens: number }).max_tokens)).toEqual([
      32000, 3096,
    ]);
    const [first, second] = sent.map((entry) => entry.body as Record<string, unknown>);
    expect(Object.keys(second!)).toEqual(Object.keys(first!));
    expect(first).toHaveProperty('tools');
    expect({ ...second, max_tokens: 32000 }).toEqual(first);
  });

  test('a request the upstream refuses is logged as a warning for the operator; a prompt too long is not', async () => {
    const warnings: string[] = [];
    const backend = new OpenAICompatibleBackend({
      url: scripted.upstream.url,
      retries: 0,
      onWarning: (message) => warnings.push(message),
    });
    const refusal = (message: string) => ({
      status: 400,
      body: { object: 'error', message, type: 'BadRequestError', param: null, code: 400 },
    });
    await scripted.upstream.script([
      refusal(
        '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set',
      ),
      refusal(
        "This model's maximum context length is 4096 tokens. However, your request has 5000 input tokens. Please reduce the length of the input messages.",
      ),
    ]);
    const ask = modelRequest('test-model', {
      max_tokens: 10,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await expect(collect(backend, ask)).rejects.toThrow('--enable-auto-tool-choice');
    await expect(collect(backend, ask)).rejects.toThrow('prompt is too long');
    expect(warnings).toEqual([
      expect.stringMatching(
        /^the upstream refused a request \(HTTP 400\): .*--enable-auto-tool-choice/,
      ),
    ]);
    await backend.close();
  });

  test('tools kept by the tool cache go out last, the same on every turn', async () => {
    const toolCache = new ToolConversionCache();
    const turn = (content: string) =>
      buildModelRequest(
        messagesRequestSchema.parse({
          model: 'test-model',
          max_tokens: 16,
          stream: true,
          tools: [
            {
              name: 'Bash',
              description: 'Run "a" command\nand return its output (café ✓)',
              input_schema: { type: 'object', properties: { command: { type: 'string' } } },
            },
          ],
          messages: [{ role: 'user', content }],
        }),
        { model: 'test-model', toolCache },
      );
    await scripted.upstream.clearRequests();
    // Characters of 2, 3 and 4 bytes on both sides of where the tools' bytes are joined on.
    const first = turn('one: ✓ 日本語 😀');
    const second = turn('two é');
    expect(second.chat.tools).toBe(first.chat.tools); // one list, serialised once
    for (const request of [first, second]) {
      await scripted.upstream.script({ text: 'ok' });
      await collect(scripted.backend, request);
    }
    const sent = (await scripted.upstream.requests()).filter((entry) =>
      entry.path.endsWith('/completions'),
    );
    const bodies = sent.map((entry) => entry.body as Record<string, unknown>);
    expect(bodies).toHaveLength(2);
    for (const entry of sent) {
      // Sent in pieces, but with its length in bytes, not chunked: servers that take no
      // chunked request bodies get the same request as from any other client.
      expect(entry.headers['transfer-encoding']).toBeUndefined();
      expect(Number(entry.headers['content-length'])).toBe(
        Buffer.byteLength(JSON.stringify(entry.body)),
      );
    }
    for (const [i, body] of bodies.entries()) {
      expect(Object.keys(body).at(-1)).toBe('tools');
      const request = i === 0 ? first : second;
      expect(body).toEqual({
        ...JSON.parse(JSON.stringify(request.chat)),
        stream_options: { include_usage: true, continuous_usage_stats: true }, // vLLM
      });
    }
  });

  test('vLLM is asked for usage in every chunk, so the prompt count comes before the first text', async () => {
    const { parts, body } = await sayHello(scripted.upstream, scripted.backend, true);
    expect(parts[0]).toEqual({ type: 'usage', usage: { inputTokens: 42, outputTokens: 0 } });
    expect(parts.findLast((part) => part.type === 'usage')).toEqual({
      type: 'usage',
      usage: { inputTokens: 42, outputTokens: 3 },
    });
    expect(body).toMatchObject({
      stream_options: { include_usage: true, continuous_usage_stats: true },
    });
  });

  test('a non-streamed request is not asked for usage in every chunk', async () => {
    const { body } = await sayHello(scripted.upstream, scripted.backend, false);
    expect(body).not.toHaveProperty('stream_options');
  });
});

describe.each([
  { ownedBy: 'sglang', asked: true },
  { ownedBy: 'library', asked: false }, // Ollama
  { ownedBy: 'organization_owner', asked: false }, // LM Studio
])('OpenAI-compatible: a server whose models are owned by $ownedBy', ({ ownedBy, asked }) => {
  const scripted = startScriptedBackend({ flavor: 'vllm', models: ['test-model'], ownedBy });

  test(`is ${asked ? '' : 'not '}asked for usage in every chunk`, async () => {
    const { body } = await sayHello(scripted.upstream, scripted.backend, true);
    expect(body).toMatchObject({ stream_options: { include_usage: true } });
    expect(body).not.toHaveProperty('timings_per_token');
    if (asked) expect(body).toHaveProperty('stream_options.continuous_usage_stats', true);
    else expect(body).not.toHaveProperty('stream_options.continuous_usage_stats');
  });
});

describe('OpenAI-compatible: llama-server', () => {
  const scripted = startScriptedBackend({ flavor: 'llama-server', models: ['test-model'] });

  test('is asked for timings in every chunk, whose counts come before the first text', async () => {
    const { parts, body } = await sayHello(scripted.upstream, scripted.backend, true);
    expect(parts[0]).toEqual({
      type: 'usage',
      usage: { inputTokens: 42, outputTokens: 1, cachedInputTokens: 0 },
    });
    expect(parts.findLast((part) => part.type === 'usage')).toEqual({
      type: 'usage',
      usage: { inputTokens: 42, outputTokens: 3, cachedInputTokens: 0 },
    });
    expect(body).toMatchObject({
      timings_per_token: true,
      stream_options: { include_usage: true },
    });
    // continuous_usage_stats is vLLM's and SGLang's key; llama-server is not sent it.
    expect(body).not.toHaveProperty('stream_options.continuous_usage_stats');
  });
});

/** One short reply (a 42-token prompt, 3 tokens out): its parts and the chat body sent for it. */
async function sayHello(upstream: ScriptedUpstream, backend: Backend, stream: boolean) {
  await upstream.script({ text: 'Hello there', usage: { prompt: 42, completion: 3 } });
  await upstream.clearRequests();
  const request = modelRequest('test-model', {
    max_tokens: 16,
    stream,
    messages: [{ role: 'user', content: 'hello' }],
  });
  const parts = await collect(backend, request);
  const sent = await upstream.requests();
  return { parts, body: sent.find((entry) => entry.path.endsWith('/completions'))?.body };
}
