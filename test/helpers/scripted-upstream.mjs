#!/usr/bin/env node
// A scripted OpenAI-compatible upstream, run as its own process by the integration tests.
// It answers like vLLM (`--flavor vllm`) or llama-server (`--flavor llama-server`):
// /v1/models, /v1/chat/completions, and their tokenizer endpoints (vLLM: POST /tokenize with
// chat messages → {count, max_model_len, tokens}; llama-server: POST /apply-template → {prompt}
// and POST /tokenize {content} → {tokens}). Replies to chat requests come from a queue the test
// scripts through a control API; every request is recorded, with whether its client went away
// before the reply ended.
//
//   POST   /__control/script    body: [reply, ...]   appended to the queue
//   GET    /__control/requests  → [{method, path, headers, body, aborted}]
//   DELETE /__control/requests
//   POST   /__control/reset     clears queue and log
//
// A reply is one of
//   { sse: ["data: ...\n\n", ...], interChunkDelayMs?, cutAfterChunks?, delayMs? }
//   { fixture: "name.sse", ... }              pieces read from test/fixtures/upstream/
//   { status, headers?, body }                a plain HTTP answer
//   { hang: true }                            never answers
// With an empty queue it streams a short text reply in vLLM's shape.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    flavor: { type: 'string', default: 'vllm' },
    models: { type: 'string', default: 'test-model' },
    'api-key': { type: 'string' },
    'max-model-len': { type: 'string', default: '32768' },
  },
});
const flavor = values.flavor;
const models = values.models.split(',');
const maxModelLen = Number(values['max-model-len']);
const fixturesDir = new URL('../fixtures/upstream/', import.meta.url);

let queue = [];
let log = [];

function readBody(req) {
  return new Promise((resolve) => {
    const pieces = [];
    req.on('data', (piece) => pieces.push(piece));
    req.on('end', () => resolve(Buffer.concat(pieces).toString('utf8')));
  });
}

function json(res, status, value, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

function modelList() {
  const created = 1764000000;
  if (flavor === 'llama-server') {
    return {
      object: 'list',
      data: models.map((id) => ({
        id,
        object: 'model',
        created,
        owned_by: 'llamacpp',
        meta: { n_ctx_train: maxModelLen },
      })),
    };
  }
  return {
    object: 'list',
    data: models.map((id) => ({
      id,
      object: 'model',
      created,
      owned_by: 'vllm',
      root: id,
      parent: null,
      max_model_len: maxModelLen,
      permission: [],
    })),
  };
}

/** A stand-in tokenizer: one token per four characters of the rendered prompt. */
const fakeTokens = (text) => Array.from({ length: Math.ceil(text.length / 4) }, (_, i) => i + 1);
const renderPrompt = (body) =>
  JSON.stringify(body.messages ?? []) + JSON.stringify(body.tools ?? []);

function defaultReply(body) {
  const head = {
    id: 'chatcmpl-default',
    object: 'chat.completion.chunk',
    created: 1764000000,
    model: body.model,
  };
  const delta = (d, finish = null) => ({
    ...head,
    choices: [{ index: 0, delta: d, logprobs: null, finish_reason: finish }],
  });
  const words = ['Hello', ' from', ' the', ' scripted', ' upstream.'];
  const chunks = [
    delta({ role: 'assistant', content: '' }),
    ...words.map((w) => delta({ content: w })),
    delta({ content: '' }, 'stop'),
  ];
  chunks.push({
    ...head,
    choices: [],
    usage: { prompt_tokens: 10, completion_tokens: words.length, total_tokens: 10 + words.length },
  });
  return { sse: [...chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), 'data: [DONE]\n\n'] };
}

function fixturePieces(name) {
  const text = readFileSync(new URL(name, fixturesDir), 'utf8');
  return text.split(/(?<=\n\n)/).filter((piece) => piece.trim() !== '');
}

/** An SSE stream as a non-streaming chat.completion, for `stream: false` requests. */
function accumulate(pieces) {
  let content = '';
  let reasoning = '';
  let finish = null;
  let usage;
  const calls = [];
  for (const piece of pieces) {
    const data = piece.replace(/^data: /, '').trim();
    if (data === '[DONE]') continue;
    const chunk = JSON.parse(data);
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    content += choice.delta?.content ?? '';
    reasoning += choice.delta?.reasoning_content ?? choice.delta?.reasoning ?? '';
    for (const call of choice.delta?.tool_calls ?? []) {
      calls[call.index] ??= {
        id: call.id,
        type: 'function',
        function: { name: '', arguments: '' },
      };
      calls[call.index].function.name += call.function?.name ?? '';
      calls[call.index].function.arguments += call.function?.arguments ?? '';
    }
    finish = choice.finish_reason ?? finish;
  }
  const message = {
    role: 'assistant',
    content: content || null,
    ...(reasoning ? { reasoning_content: reasoning } : {}),
    ...(calls.length ? { tool_calls: calls } : {}),
  };
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1764000000,
    choices: [{ index: 0, message, finish_reason: finish }],
    usage,
  };
}

function sendStream(req, res, reply, entry) {
  const pieces = reply.fixture ? fixturePieces(reply.fixture) : reply.sse;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let index = 0;
  const next = () => {
    if (res.destroyed) return;
    if (reply.cutAfterChunks !== undefined && index >= reply.cutAfterChunks)
      return void res.socket?.destroy();
    if (index >= pieces.length) return void res.end();
    const ok = res.write(pieces[index++]);
    const go = () =>
      reply.interChunkDelayMs ? setTimeout(next, reply.interChunkDelayMs) : setImmediate(next);
    if (ok) go();
    else res.once('drain', go);
  };
  res.once('close', () => {
    if (!res.writableFinished) entry.aborted = true;
  });
  next();
}

async function chat(req, res, body, entry) {
  const reply = queue.shift() ?? defaultReply(body);
  if (reply.hang) {
    res.once('close', () => (entry.aborted = true));
    return;
  }
  if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
  if (reply.status !== undefined) {
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    return void res.end(reply.body ?? '');
  }
  if (body.stream !== true)
    return json(res, 200, accumulate(reply.fixture ? fixturePieces(reply.fixture) : reply.sse));
  sendStream(req, res, reply, entry);
}

async function control(req, res, path) {
  if (req.method === 'POST' && path === '/__control/script') {
    queue.push(...JSON.parse(await readBody(req)));
    return json(res, 200, { queued: queue.length });
  }
  if (req.method === 'GET' && path === '/__control/requests') return json(res, 200, log);
  if (req.method === 'DELETE' && path === '/__control/requests') {
    log = [];
    return json(res, 200, {});
  }
  if (req.method === 'POST' && path === '/__control/reset') {
    queue = [];
    log = [];
    return json(res, 200, {});
  }
  return json(res, 404, { error: 'unknown control path' });
}

const server = http.createServer(async (req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path.startsWith('/__control/')) return control(req, res, path);
  const text = await readBody(req);
  let body = {};
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    return json(res, 400, {
      object: 'error',
      message: 'invalid JSON',
      type: 'BadRequestError',
      code: 400,
    });
  }
  const entry = { method: req.method, path, headers: req.headers, body, aborted: false };
  log.push(entry);
  if (values['api-key'] && req.headers.authorization !== `Bearer ${values['api-key']}`) {
    return json(res, 401, { error: 'Unauthorized' });
  }
  if (req.method === 'GET' && path === '/v1/models') return json(res, 200, modelList());
  if (req.method === 'POST' && path === '/v1/chat/completions') return chat(req, res, body, entry);
  if (req.method === 'POST' && path === '/tokenize' && flavor === 'vllm' && body.messages) {
    const tokens = fakeTokens(renderPrompt(body));
    return json(res, 200, {
      count: tokens.length,
      max_model_len: maxModelLen,
      tokens,
      token_strs: null,
    });
  }
  if (req.method === 'POST' && path === '/apply-template' && flavor === 'llama-server') {
    return json(res, 200, { prompt: `<|im_start|>${renderPrompt(body)}<|im_start|>assistant\n` });
  }
  if (req.method === 'POST' && path === '/tokenize' && flavor === 'llama-server') {
    return json(res, 200, { tokens: fakeTokens(String(body.content ?? '')) });
  }
  return json(
    res,
    404,
    flavor === 'vllm'
      ? { detail: 'Not Found' }
      : { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } },
  );
});
server.keepAliveTimeout = 30_000;
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
