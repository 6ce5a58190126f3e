import http from 'node:http';
import { describe, expect, test } from 'vitest';
import type { RequestLog } from '../../src/backends/backend.js';
import {
  OpenAICompatibleBackend,
  type UpstreamWarningFields,
} from '../../src/backends/openai-compatible/openai-compatible-backend.js';
import type { ModelRequest } from '../../src/model/model-request.js';
import type { ModelStreamPart } from '../../src/model/model-stream-part.js';
import { ApiError } from '../../src/protocol/api-error.js';
import type { ScriptedReply } from '../helpers/start-scripted-upstream.js';
import { chunk, finishChunk, sse, usageChunk } from '../helpers/vllm-chunks.js';
import { collect, modelRequest } from './backend.case.js';
import { chatRequests, startScriptedBackend, textOf } from './start-scripted-backend.js';

// How the OpenAI-compatible backend meets upstream answers that are not plain success: the
// context-length refusals of current engines, errors in every shape, replies cut after their
// end, and a tokenizer that refuses or is missing.

/** Claude Code's turn: 32000 output tokens asked for. */
const claudeCodeTurn = (stream = true): ModelRequest =>
  modelRequest('test-model', {
    max_tokens: 32000,
    stream,
    messages: [{ role: 'user', content: 'hello' }],
  });

/** The parts a reply gave before it failed, and its error (undefined when it did not). */
async function collectUntilError(
  backend: OpenAICompatibleBackend,
  request: ModelRequest,
  log?: RequestLog,
): Promise<{ parts: ModelStreamPart[]; error: ApiError | undefined }> {
  const parts: ModelStreamPart[] = [];
  try {
    for await (const batch of backend.streamChat(request, AbortSignal.timeout(10_000), log))
      parts.push(...batch);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { parts, error };
  }
  return { parts, error: undefined };
}

/** vLLM's error answer (`ErrorResponse(error=ErrorInfo(…))`). */
const vllmRefusal = (message: string): { status: number; body: Record<string, unknown> } => ({
  status: 400,
  body: { error: { message, type: 'BadRequestError', param: 'input_tokens', code: 400 } },
});

/** vLLM's renderer (vllm/renderers/params.py `_token_len_check`), as current releases word it. */
const youPassed = (input: number, output: number, context: number) =>
  vllmRefusal(
    `You passed ${input} input tokens and requested ${output} output tokens. However, the model's context length is only ${context} tokens, resulting in a maximum input length of ${context - output} tokens. Please reduce the length of the input prompt. (parameter=input_tokens, value=${input})`,
  );

describe('OpenAI-compatible: current vLLM refusing prompt + max_tokens past the context', () => {
  const scripted = startScriptedBackend({
    flavor: 'vllm',
    models: ['test-model'],
    maxModelLen: 65536,
  });
  const sentMaxTokens = async () =>
    (await chatRequests(scripted.upstream)).map(
      (entry) => (entry.body as { max_tokens?: number }).max_tokens,
    );

  test('an exact count: retried once with the room left', async () => {
    await scripted.upstream.script([youPassed(40000, 32000, 65536), { text: 'fits' }]);
    await scripted.upstream.clearRequests();
    expect(textOf(await collect(scripted.backend, claudeCodeTurn()))).toBe('fits');
    expect(await sentMaxTokens()).toEqual([32000, 25536]);
  });

  test('a count cut one past the input limit (the prompt may be longer): retried without max_tokens', async () => {
    await scripted.upstream.script([
      youPassed(33537, 32000, 65536),
      { text: 'fits', finishReason: 'length' },
    ]);
    await scripted.upstream.clearRequests();
    const parts = await collect(scripted.backend, claudeCodeTurn());
    // The engine filled the context: running out is the context's doing, not max_tokens'.
    expect(parts).toContainEqual({ type: 'finish', reason: 'context-window-exceeded' });
    expect(await sentMaxTokens()).toEqual([32000, undefined]);
  });

  test('a prompt that does not fit alone either: "prompt is too long" with the numbers', async () => {
    await scripted.upstream.script([youPassed(33537, 32000, 65536), youPassed(65537, 0, 65536)]);
    await scripted.upstream.clearRequests();
    await expect(collect(scripted.backend, claudeCodeTurn())).rejects.toMatchObject({
      type: 'invalid_request_error',
      message: 'prompt is too long: 65537 tokens > 65536 maximum',
    });
    expect(await sentMaxTokens()).toEqual([32000, undefined]);
  });

  test('the recorded answer for a prompt over the context is not retried', async () => {
    await scripted.upstream.script([{ fixture: 'responses/vllm-context-length-current.json' }]);
    await scripted.upstream.clearRequests();
    await expect(collect(scripted.backend, claudeCodeTurn())).rejects.toMatchObject({
      message: 'prompt is too long: 40000 tokens > 32768 maximum',
    });
    expect(await sentMaxTokens()).toEqual([32000]);
  });
});

describe('OpenAI-compatible: errors inside a 200 reply keep their message', () => {
  const scripted = startScriptedBackend({ flavor: 'vllm', models: ['test-model'] });
  const partial = `data: ${JSON.stringify(chunk({ content: 'partial' }))}\n\n`;

  test.each<{ name: string; error: string; type: string; message: string }>([
    {
      name: 'an error object without code',
      error: 'data: {"error":{"message":"model crashed"}}\n\n',
      type: 'api_error',
      message: 'Upstream error: model crashed',
    },
    {
      name: "TGI's string form",
      error: 'data: {"error":"Request failed during generation: out of memory"}\n\n',
      type: 'api_error',
      message: 'Upstream error: Request failed during generation: out of memory',
    },
    {
      name: 'an SSE error event',
      error: 'event: error\ndata: {"message":"the server is overloaded"}\n\n',
      type: 'overloaded_error',
      message: 'Upstream error: the server is overloaded',
    },
    {
      name: 'an SSE error event in plain text',
      error: 'event: error\ndata: engine died\n\n',
      type: 'api_error',
      message: 'Upstream error: engine died',
    },
  ])('$name', async ({ error, type, message }) => {
    await scripted.upstream.script({ sse: [partial, error, 'data: [DONE]\n\n'] });
    const result = await collectUntilError(scripted.backend, claudeCodeTurn());
    expect(textOf(result.parts)).toBe('partial');
    expect(result.error).toMatchObject({ type, message });
  });

  test.each<{ name: string; reply: ScriptedReply; message: string }>([
    {
      name: 'a JSON error body with status 200',
      reply: { status: 200, body: { error: { message: 'model crashed' } } },
      message: 'Upstream error: model crashed',
    },
    {
      name: 'a body that is not JSON',
      reply: { status: 200, body: '{"choices": [' },
      message: 'The upstream sent an invalid reply: not JSON (HTTP 200)',
    },
    {
      name: 'no body at all (204)',
      reply: { status: 204 },
      message: 'The upstream sent an invalid reply: an empty reply (HTTP 204)',
    },
  ])('not streamed: $name', async ({ reply, message }) => {
    await scripted.upstream.script(reply);
    await expect(collect(scripted.backend, claudeCodeTurn(false))).rejects.toMatchObject({
      type: 'api_error',
      message,
    });
  });
});

describe('OpenAI-compatible: a reply whole before the connection broke', () => {
  const scripted = startScriptedBackend({ flavor: 'vllm', models: ['test-model'] });

  test.each<[string, ScriptedReply]>([
    ['cut after [DONE]', { text: 'abc def', cutAtEnd: true }],
    [
      'cut after the finish and the usage, before [DONE]',
      {
        sse: sse([chunk({ content: 'abc def' }), finishChunk('stop'), usageChunk(3, 2)], false),
        cutAtEnd: true,
      },
    ],
  ])('%s: the reply, not an error', async (_name, reply) => {
    await scripted.upstream.script(reply);
    const parts = await collect(scripted.backend, claudeCodeTurn());
    expect(textOf(parts)).toBe('abc def');
    expect(parts).toContainEqual({ type: 'finish', reason: 'end-turn' });
  });

  test('cut after the finish but before the usage: an error (the counts never came)', async () => {
    await scripted.upstream.script({
      sse: sse([chunk({ content: 'abc' }), finishChunk('stop')], false),
      cutAtEnd: true,
    });
    const { error } = await collectUntilError(scripted.backend, claudeCodeTurn());
    expect(error).toMatchObject({ type: 'api_error', message: /broke the connection/ });
  });

  test('what follows [DONE] is no part of the reply, and the connection is kept', async () => {
    // An upstream that sends more after [DONE] and ends its body a little later.
    let connections = 0;
    const server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (request.url === '/v1/models') {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ data: [{ id: 'test-model' }] }));
          return;
        }
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunks = [chunk({ content: 'hi' }), finishChunk('stop'), usageChunk(1, 1)];
        for (const piece of sse(chunks)) response.write(piece);
        response.write('data: {"not": "a chunk"}\n\n');
        setTimeout(() => response.end(), 50);
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const backend = new OpenAICompatibleBackend({ url: `http://127.0.0.1:${port}`, retries: 0 });
    try {
      const opened: number[] = [];
      for (let turn = 0; turn < 3; turn++) {
        expect(textOf(await collect(backend, claudeCodeTurn()))).toBe('hi');
        opened.push(connections);
      }
      // The first turn's connection (after the model list's) serves the others: its body was
      // read to the end, not cut.
      expect(opened[2]).toBe(opened[0]);
    } finally {
      await backend.close();
      server.close();
    }
  });
});

describe('OpenAI-compatible: what the operator and the client hear of a refusal', () => {
  const scripted = startScriptedBackend({ flavor: 'vllm', models: ['test-model'] });
  const traceback =
    'Traceback (most recent call last):\n  File "/usr/lib/python3/vllm/x.py", line 3, in f\n    raise ValueError("bad sampling")\nValueError: bad sampling';

  test('a plain-text traceback: the client gets its exception, the log the whole text', async () => {
    const warnings: Array<{ message: string; fields?: UpstreamWarningFields }> = [];
    const backend = new OpenAICompatibleBackend({
      url: scripted.upstream.url,
      retries: 0,
      onWarning: (message, fields) => warnings.push({ message, ...(fields ? { fields } : {}) }),
    });
    try {
      await scripted.upstream.script({
        status: 500,
        headers: { 'content-type': 'text/plain' },
        body: traceback,
      });
      await expect(collect(backend, claudeCodeTurn())).rejects.toMatchObject({
        type: 'api_error',
        message: 'Upstream error (HTTP 500): ValueError: bad sampling',
      });
      expect(warnings).toEqual([
        {
          message: `the upstream failed a request (HTTP 500): Upstream error (HTTP 500): ValueError: bad sampling; the upstream said: ${traceback}`,
          fields: { upstreamStatus: 500 },
        },
      ]);
    } finally {
      await backend.close();
    }
  });

  test("a refusal is warned of in the request's own log, with the upstream's status", async () => {
    const lines: Array<[Record<string, unknown>, string]> = [];
    const log: RequestLog = { warn: (fields, message) => lines.push([fields, message]) };
    await scripted.upstream.script(vllmRefusal('"auto" tool choice requires --tool-call-parser'));
    const { error } = await collectUntilError(scripted.backend, claudeCodeTurn(), log);
    expect(error?.status).toBe(400);
    expect(lines).toEqual([
      [
        { upstreamStatus: 400 },
        'the upstream refused a request (HTTP 400): Upstream error (HTTP 400): "auto" tool choice requires --tool-call-parser',
      ],
    ]);
  });
});

describe('OpenAI-compatible: count_tokens when the tokenizer refuses or is missing', () => {
  const scripted = startScriptedBackend({ flavor: 'vllm', models: ['test-model'] });
  const count = (backend = scripted.backend) =>
    backend.countTokens(claudeCodeTurn(), AbortSignal.timeout(10_000));
  const tokenizeCalls = async () =>
    (await scripted.upstream.requests()).filter((entry) => entry.path === '/tokenize').length;

  test.each<[string, { status: number; body: Record<string, unknown> }]>([
    ['a 400 for one request', vllmRefusal('chat template error')],
    [
      'a 404 for a model an engine restarted without',
      {
        status: 404,
        body: {
          error: { message: 'The model `old` does not exist.', type: 'NotFoundError', code: 404 },
        },
      },
    ],
  ])('%s: that request is estimated, the next counted', async (_name, refusal) => {
    await scripted.upstream.script({ endpoint: 'tokenize', ...refusal });
    expect((await count()).exact).toBe(false);
    expect(await count()).toMatchObject({ exact: true });
  });

  test('no tokenizer endpoint: estimated without asking, until it is looked for again', async () => {
    const missing: ScriptedReply = {
      endpoint: 'tokenize',
      status: 404,
      body: { detail: 'Not Found' },
    };
    const remembering = new OpenAICompatibleBackend({ url: scripted.upstream.url, retries: 0 });
    const rechecking = new OpenAICompatibleBackend({
      url: scripted.upstream.url,
      retries: 0,
      tokenizerRecheckMs: 0,
    });
    try {
      for (const backend of [remembering, rechecking]) {
        await scripted.upstream.script(missing); // vLLM's /tokenize; /apply-template is a 404 too
        expect((await count(backend)).exact).toBe(false);
      }
      await scripted.upstream.clearRequests();
      expect((await count(remembering)).exact).toBe(false);
      expect(await tokenizeCalls()).toBe(0);
      expect((await count(rechecking)).exact).toBe(true);
      expect(await tokenizeCalls()).toBe(1);
    } finally {
      await remembering.close();
      await rechecking.close();
    }
  });
});
