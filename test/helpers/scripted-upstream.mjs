#!/usr/bin/env node
// A scripted OpenAI-compatible upstream, run as its own process by Ferry's integration,
// reliability and benchmark tests. It speaks the wire format of vLLM's OpenAI server
// (`--flavor vllm`) or llama.cpp's llama-server (`--flavor llama-server`): the chunk shapes,
// key order, error bodies, /v1/models, /tokenize and /apply-template of each engine, as
// documented with their sources in test/fixtures/upstream/README.md.
//
//   node test/helpers/scripted-upstream.mjs [--port 0] [--flavor vllm|llama-server]
//        [--models a,b] [--api-key K] [--max-model-len N] [--default-reply TEXT]
//        [--tokens N] [--token-delay-ms MS] [--max-log N] [--strict-models] [--owned-by NAME]
//
// When listening it prints one line, {"port":N}, on stdout.
//
// Control API (never logged, never behind the API key):
//   POST   /__control/script    body: reply | [reply, ...]  appended to the queue → {queued}
//   GET    /__control/requests  → [{seq, method, path, headers, body, receivedAt,
//                                   aborted, cut, completed}]
//   DELETE /__control/requests  → {cleared}
//   GET    /__control/stats     → {received, completed, aborted, cut, inFlight, queued}
//   POST   /__control/reset     clears queue, log and counters → {}
//   POST   /__control/models    body: ["id", ...]  the models served from now on, as after a
//                               restart with others → {models}
//
// A reply (for the next POST /v1/chat/completions) is one of
//   { fixture: "vllm-text.sse" }          a recorded-shape stream, replayed byte for byte
//   { fixture: "responses/x.json" }       a recorded HTTP answer {status, headers, body}
//   { sse: ["data: ...\n\n", ...] }       explicit pieces
//   { status, headers?, body? }           a plain HTTP answer (object bodies are JSON)
//   { text, reasoning?, finishReason?, chunkSize?, usage?, flavor?, reasoningField? }
//   { toolCalls: [{id?, name, arguments}], text?, reasoning?, argsChunkSize?, wholeCalls?,
//     interleave?, argsWithFinish?, ... }  a stream generated in the engine's shape
//   { hang: true }                        never answers
//   { drop: true }                        ends the connection without answering, as a server
//                                         does that closed an idle keep-alive connection just
//                                         as the request was written on it
//   { endpoint: "tokenize", hang?, delayMs?, status?, body? }  for the next /tokenize or
//                                         /apply-template instead (chat requests skip it);
//                                         with `status`, that answer instead of the engine's
//   { endpoint: "models", hang?, delayMs?, status?, body? }  for the next GET /v1/models instead
// with, on any of them, delayMs (before the status line), interChunkDelayMs,
// cutAfterChunks (end the TCP connection after N pieces, no finish, no [DONE]) and cutAtEnd
// (end it after the last piece, without the chunked body's terminator).
// Requests with `stream` false or absent get the engine's non-streaming chat.completion.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const fixturesDir = new URL('../fixtures/upstream/', import.meta.url);

// ---------------------------------------------------------------------------------------------
// Engine shapes. Key order matters to byte-for-byte fixtures, so every object is built in the
// order the engine serialises it.
// ---------------------------------------------------------------------------------------------

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Deterministic ids: fixtures stay reproducible and no entropy is spent per request. */
function hexId(seed, length) {
  let out = '';
  let x = (seed * 2654435761 + 0x9e3779b9) >>> 0;
  while (out.length < length) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += (x >>> 8).toString(16).padStart(6, '0');
  }
  return out.slice(0, length);
}
function alnumId(seed, length) {
  let out = '';
  let x = (seed * 2246822519 + 0x85ebca6b) >>> 0;
  while (out.length < length) {
    x = (x * 1664525 + 1013904223) >>> 0;
    out += ALNUM[(x >>> 16) % ALNUM.length];
  }
  return out;
}

export const ids = {
  // vLLM: f"chatcmpl-{random_uuid()}" (16 hex digits in current releases, 32 in older ones);
  // make_tool_call_id() → "chatcmpl-tool-{random_uuid()}".
  vllmCompletion: (seed) => `chatcmpl-${hexId(seed, 16)}`,
  vllmToolCall: (seed) => `chatcmpl-tool-${hexId(seed + 7919, 16)}`,
  // llama-server: "chatcmpl-" + random_string() (32 alphanumerics); tool ids from
  // gen_tool_call_id(), random_string() again in current builds.
  llamaCompletion: (seed) => `chatcmpl-${alnumId(seed, 32)}`,
  llamaToolCall: (seed) => alnumId(seed + 104729, 32),
};

/** One SSE event as both engines write it: `data: <json>\n\n`. */
export const frame = (value) => `data: ${JSON.stringify(value)}\n\n`;
export const DONE = 'data: [DONE]\n\n';

/** Splits text into pieces of at most `size` code points (never inside a surrogate pair). */
export function splitText(text, size) {
  const points = Array.from(text);
  const pieces = [];
  for (let i = 0; i < points.length; i += size) pieces.push(points.slice(i, i + size).join(''));
  return pieces;
}

/**
 * A message plan: what the model "said", independent of the engine's framing.
 * { id, created, model, reasoning, content, toolCalls: [{id, name, arguments}], finishReason,
 *   usage: {prompt, completion, cached?}, includeUsage, chunkSize, argsChunkSize, ... }
 */
function planDeltas(plan) {
  // The ordered list of deltas the engine's parser would emit: reasoning first, then content,
  // then tool calls (each call: header delta, then argument pieces).
  const deltas = [];
  for (const piece of splitText(plan.reasoning ?? '', plan.chunkSize)) {
    deltas.push({ kind: 'reasoning', text: piece });
  }
  for (const piece of plan.contentPieces ?? splitText(plan.content ?? '', plan.chunkSize)) {
    deltas.push({ kind: 'content', text: piece });
  }
  const calls = plan.toolCalls ?? [];
  if (plan.wholeCalls) {
    calls.forEach((call, index) =>
      deltas.push({ kind: 'call', index, call, args: call.arguments }),
    );
  } else {
    const perCall = calls.map((call, index) => [
      { kind: 'call', index, call, args: undefined },
      ...splitText(call.arguments, plan.argsChunkSize).map((args) => ({
        kind: 'args',
        index,
        args,
      })),
    ]);
    if (plan.interleave) {
      // Synthetic: the calls' deltas alternate (0,1,0,1…); ids only on each call's first delta.
      for (let round = 0; perCall.some((list) => round < list.length); round++) {
        for (const list of perCall) if (round < list.length) deltas.push(list[round]);
      }
    } else {
      for (const list of perCall) deltas.push(...list);
    }
  }
  return deltas;
}

/**
 * Tokens generated by the end of delta `i` of `count`, for counts an engine reports as it goes:
 * the plan's completion spread evenly, the last share left for the finishing chunk.
 */
function completionAfter(plan, i, count) {
  const total = plan.usage.completion;
  return Math.min(total, Math.ceil((total * (i + 1)) / (count + 1)));
}

// --- vLLM (vllm/entrypoints/openai/serving_chat.py, chat_completion_stream_generator) -------

function vllmEnvelope(plan, choices) {
  return {
    id: plan.id,
    object: 'chat.completion.chunk',
    created: plan.created,
    model: plan.model,
    choices,
  };
}

function vllmDelta(plan, delta) {
  if (delta.kind === 'reasoning') return { [plan.reasoningField ?? 'reasoning']: delta.text };
  if (delta.kind === 'content') return { content: delta.text };
  if (delta.kind === 'call') {
    // Tool parsers' first delta for a call: DeltaToolCall(id, type, index, function=
    // DeltaFunctionCall(name=…).model_dump(exclude_none=True)) — name only, no arguments key.
    const fn = { name: delta.call.name };
    if (delta.args !== undefined) fn.arguments = delta.args;
    return {
      tool_calls: [{ id: delta.call.id, type: 'function', index: delta.index, function: fn }],
    };
  }
  return { tool_calls: [{ index: delta.index, function: { arguments: delta.args } }] };
}

/** Current vLLM: choices carry `token_ids: null`; the first chunk `prompt_token_ids: null`. */
export function vllmStream(plan) {
  const legacy = plan.vllmLegacy === true; // ≤ v0.10.1: neither token_ids nor prompt_token_ids
  const choice = (delta, finish) => {
    const c = { index: 0, delta, logprobs: null, finish_reason: finish ?? null };
    if (finish) c.stop_reason = plan.stopReason ?? null;
    if (!legacy) c.token_ids = null;
    return c;
  };
  // stream_options.continuous_usage_stats: every chunk carries the counts so far, from the
  // role chunk on (UsageInfo(prompt_tokens, completion_tokens, total_tokens), fields in
  // declaration order, no details).
  const countsSoFar = (completion) => ({
    prompt_tokens: plan.usage.prompt,
    total_tokens: plan.usage.prompt + completion,
    completion_tokens: completion,
  });
  const withUsage = (chunk, completion) =>
    plan.continuousUsage ? { ...chunk, usage: countsSoFar(completion) } : chunk;
  const first = vllmEnvelope(plan, [
    { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
  ]);
  if (!legacy) first.prompt_token_ids = null;
  const pieces = [frame(withUsage(first, 0))];
  const deltas = planDeltas(plan);
  // With argsWithFinish (or a length stop) the last delta rides on the finishing chunk, as
  // vLLM sends the final token's text together with its finish_reason.
  const carry =
    (plan.argsWithFinish || plan.lastWithFinish) && deltas.length > 0 ? deltas.pop() : undefined;
  deltas.forEach((delta, i) => {
    const chunk = vllmEnvelope(plan, [choice(vllmDelta(plan, delta))]);
    pieces.push(frame(withUsage(chunk, completionAfter(plan, i, deltas.length))));
  });
  const finishDelta = carry
    ? vllmDelta(plan, carry)
    : plan.toolCalls?.length
      ? {} // the EOS token parses to no delta: DeltaMessage() → {}
      : { content: '' };
  const finish = vllmEnvelope(plan, [choice(finishDelta, plan.finishReason)]);
  pieces.push(frame(withUsage(finish, plan.usage.completion)));
  if (plan.includeUsage) {
    // Dumped with exclude_unset and exclude_none: no null prompt_tokens_details here.
    const usage = {
      prompt_tokens: plan.usage.prompt,
      total_tokens: plan.usage.prompt + plan.usage.completion,
      completion_tokens: plan.usage.completion,
    };
    if (plan.usage.cached !== undefined)
      usage.prompt_tokens_details = { cached_tokens: plan.usage.cached };
    pieces.push(frame({ ...vllmEnvelope(plan, []), usage }));
  }
  pieces.push(DONE);
  return pieces;
}

/** vLLM's non-streaming ChatCompletionResponse (model_dump() of every field). */
export function vllmCompletion(plan) {
  const calls = plan.toolCalls ?? [];
  return {
    id: plan.id,
    object: 'chat.completion',
    created: plan.created,
    model: plan.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: plan.content || (calls.length ? null : ''),
          refusal: null,
          annotations: null,
          audio: null,
          function_call: null,
          tool_calls: calls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          })),
          reasoning: plan.reasoning || null,
        },
        logprobs: null,
        finish_reason: plan.finishReason,
        stop_reason: null,
        token_ids: null,
      },
    ],
    service_tier: null,
    system_fingerprint: null,
    usage: {
      prompt_tokens: plan.usage.prompt,
      total_tokens: plan.usage.prompt + plan.usage.completion,
      completion_tokens: plan.usage.completion,
      prompt_tokens_details:
        plan.usage.cached === undefined ? null : { cached_tokens: plan.usage.cached },
    },
    prompt_logprobs: null,
    prompt_token_ids: null,
    kv_transfer_params: null,
  };
}

// --- llama-server (tools/server/server-task.cpp, to_json_oaicompat_chat_stream; -------------
// common/chat.cpp, common_chat_msg_diff_to_json_oaicompat). nlohmann::ordered_json keeps the
// insertion order: choices, created, id, model, system_fingerprint, object.

function llamaEnvelope(plan, choices) {
  return {
    choices,
    created: plan.created,
    id: plan.id,
    model: plan.model,
    system_fingerprint: plan.fingerprint ?? 'b7100-3f4f2d9a1',
    object: 'chat.completion.chunk',
  };
}

function llamaDelta(delta) {
  if (delta.kind === 'reasoning') return { reasoning_content: delta.text };
  if (delta.kind === 'content') return { content: delta.text };
  const call = { index: delta.index };
  if (delta.kind === 'call') {
    call.id = delta.call.id;
    call.type = 'function';
    // The diff always carries `arguments` (possibly empty) and the name when it is new.
    call.function = { name: delta.call.name, arguments: delta.args ?? '' };
  } else {
    call.function = { arguments: delta.args };
  }
  return { tool_calls: [call] };
}

/** result_timings::to_json; `completion`: the tokens generated so far (default: all). */
function llamaTimings(plan, completion = plan.usage.completion) {
  const promptMs = 0.61 * plan.usage.prompt + 12.5;
  const predictedMs = 21.3 * completion + 1.7;
  return {
    cache_n: plan.usage.cached ?? 0,
    prompt_n: plan.usage.prompt - (plan.usage.cached ?? 0),
    prompt_ms: promptMs,
    prompt_per_token_ms: promptMs / Math.max(1, plan.usage.prompt),
    prompt_per_second: (1000 * plan.usage.prompt) / promptMs,
    predicted_n: completion,
    predicted_ms: predictedMs,
    predicted_per_token_ms: predictedMs / Math.max(1, completion),
    predicted_per_second: (1000 * completion) / predictedMs,
  };
}

function llamaUsage(plan) {
  return {
    completion_tokens: plan.usage.completion,
    prompt_tokens: plan.usage.prompt,
    total_tokens: plan.usage.prompt + plan.usage.completion,
    prompt_tokens_details: { cached_tokens: plan.usage.cached ?? 0 },
  };
}

/**
 * Current llama-server (after ggml-org/llama.cpp#16048, Sept 2025): the finish chunk has an
 * empty delta; with include_usage a last chunk with `choices: []` carries usage; `timings` is
 * appended to whichever chunk is last. `llamaLegacyUsage` gives the older shape (before
 * #15444, Aug 2025): usage and timings inside the finish chunk, always. With the request's
 * `timings_per_token`, each token's last chunk carries the timings so far (the first token's
 * chunks are the role chunk and its delta).
 */
export function llamaStream(plan) {
  const choice = (delta, finish) => ({ finish_reason: finish ?? null, index: 0, delta });
  const pieces = [frame(llamaEnvelope(plan, [choice({ role: 'assistant', content: null })]))];
  const deltas = planDeltas(plan);
  const carry = plan.argsWithFinish && deltas.length > 0 ? deltas.pop() : undefined;
  deltas.forEach((delta, i) => {
    const chunk = llamaEnvelope(plan, [choice(llamaDelta(delta))]);
    if (plan.timingsPerToken)
      chunk.timings = llamaTimings(plan, completionAfter(plan, i, deltas.length));
    pieces.push(frame(chunk));
  });
  if (carry) {
    // llama-server never puts a delta beside finish_reason; `argsWithFinish` only exists for
    // vLLM. Keep the delta as its own chunk so the plan's text is not lost.
    pieces.push(frame(llamaEnvelope(plan, [choice(llamaDelta(carry))])));
  }
  const finish = llamaEnvelope(plan, [choice({}, plan.finishReason)]);
  if (plan.llamaLegacyUsage) {
    const { prompt_tokens_details: _details, ...usage } = llamaUsage(plan);
    finish.usage = usage;
    finish.timings = llamaTimings(plan);
    pieces.push(frame(finish));
  } else if (plan.includeUsage) {
    pieces.push(frame(finish));
    pieces.push(
      frame({ ...llamaEnvelope(plan, []), usage: llamaUsage(plan), timings: llamaTimings(plan) }),
    );
  } else {
    finish.timings = llamaTimings(plan);
    pieces.push(frame(finish));
  }
  pieces.push(DONE);
  return pieces;
}

/** llama-server's non-streaming chat.completion (to_json_oaicompat_chat). */
export function llamaCompletion(plan) {
  const calls = plan.toolCalls ?? [];
  const message = { role: 'assistant', content: plan.content || null };
  if (plan.reasoning) message.reasoning_content = plan.reasoning;
  if (calls.length) {
    message.tool_calls = calls.map((call) => ({
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
      id: call.id,
    }));
  }
  return {
    choices: [{ finish_reason: plan.finishReason, index: 0, message }],
    created: plan.created,
    model: plan.model,
    system_fingerprint: plan.fingerprint ?? 'b7100-3f4f2d9a1',
    object: 'chat.completion',
    usage: llamaUsage(plan),
    id: plan.id,
    timings: llamaTimings(plan),
  };
}

/** Error bodies in each engine's own shape. */
export function errorBody(flavor, status, message, type) {
  if (flavor === 'llama-server') {
    // tools/server/server-common.cpp format_error_response: {code, message, type}.
    return { error: { code: status, message, type: type ?? llamaErrorType(status) } };
  }
  // vLLM ≥ 0.10: ErrorResponse(error=ErrorInfo(message, type, param, code)).
  return { error: { message, type: type ?? vllmErrorType(status), param: null, code: status } };
}
function llamaErrorType(status) {
  return (
    {
      400: 'invalid_request_error',
      401: 'authentication_error',
      403: 'permission_error',
      404: 'not_found_error',
      501: 'not_supported_error',
      503: 'unavailable_error',
    }[status] ?? 'server_error'
  );
}
function vllmErrorType(status) {
  return (
    { 400: 'BadRequestError', 404: 'NotFoundError', 501: 'NotImplementedError' }[status] ??
    'InternalServerError'
  );
}

/** Reads a stream back into a plan, so a recorded stream can answer a non-stream request. */
export function accumulate(pieces) {
  const plan = { reasoning: '', content: '', toolCalls: [], finishReason: null, usage: undefined };
  for (const piece of pieces) {
    for (const line of piece.split('\n')) {
      if (!line.startsWith('data: ')) continue;
      const data = line.slice(6).trim();
      if (data === '[DONE]') continue;
      let chunk;
      try {
        chunk = JSON.parse(data);
      } catch {
        continue;
      }
      plan.id ??= chunk.id;
      plan.created ??= chunk.created;
      plan.model ??= chunk.model;
      if (chunk.system_fingerprint) plan.fingerprint = chunk.system_fingerprint;
      if (chunk.usage) {
        plan.usage = {
          prompt: chunk.usage.prompt_tokens ?? 0,
          completion: chunk.usage.completion_tokens ?? 0,
          ...(chunk.usage.prompt_tokens_details?.cached_tokens === undefined
            ? {}
            : { cached: chunk.usage.prompt_tokens_details.cached_tokens }),
        };
      }
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const delta = choice.delta ?? {};
      plan.content += delta.content ?? '';
      plan.reasoning += delta.reasoning ?? delta.reasoning_content ?? '';
      for (const call of delta.tool_calls ?? []) {
        const slot = (plan.toolCalls[call.index] ??= { id: '', name: '', arguments: '' });
        if (call.id) slot.id = call.id;
        slot.name += call.function?.name ?? '';
        slot.arguments += call.function?.arguments ?? '';
      }
      plan.finishReason = choice.finish_reason ?? plan.finishReason;
    }
  }
  plan.toolCalls = plan.toolCalls.filter(Boolean);
  plan.usage ??= { prompt: 0, completion: 0 };
  return plan;
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

function startServer(values) {
  const flavor = values.flavor === 'llama-server' ? 'llama-server' : 'vllm';
  let models = values.models.split(',').filter(Boolean);
  const maxModelLen = Number(values['max-model-len']);
  const apiKey = values['api-key'];
  const defaultText = values['default-reply'];
  const defaultTokens = values.tokens === undefined ? undefined : Number(values.tokens);
  const tokenDelayMs = Number(values['token-delay-ms'] ?? 0);
  const maxLog = Number(values['max-log']);
  const strictModels = values['strict-models'] === true;

  let queue = [];
  let log = [];
  let seq = 0;
  const stats = { received: 0, completed: 0, aborted: 0, cut: 0, inFlight: 0 };

  // Fixtures are read once and kept: the benchmark replays them thousands of times.
  const fixtureCache = new Map();
  function loadFixture(name) {
    let cached = fixtureCache.get(name);
    if (cached === undefined) {
      const text = readFileSync(new URL(name, fixturesDir), 'utf8');
      cached = name.endsWith('.json')
        ? { response: JSON.parse(text) }
        : { pieces: text.split(/(?<=\n\n)/).filter((piece) => piece.trim() !== '') };
      fixtureCache.set(name, cached);
    }
    return cached;
  }

  const json = (res, status, value, headers) => {
    const body = JSON.stringify(value);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...headers,
    });
    res.end(body);
  };

  function readBody(req) {
    return new Promise((resolve, reject) => {
      const parts = [];
      req.on('data', (part) => parts.push(part));
      req.on('end', () =>
        resolve(
          parts.length === 1 ? parts[0].toString('utf8') : Buffer.concat(parts).toString('utf8'),
        ),
      );
      req.on('error', reject);
    });
  }

  function modelList() {
    const created = 1764000000;
    if (flavor === 'llama-server') {
      // tools/server: handle_models — an Ollama-style `models` array beside the OpenAI `data`.
      return {
        models: models.map((id) => ({
          name: id,
          model: id,
          modified_at: '',
          size: '',
          digest: '',
          type: 'model',
          description: '',
          tags: [''],
          capabilities: ['completion'],
          parameters: '',
          details: {
            parent_model: '',
            format: 'gguf',
            family: '',
            families: [''],
            parameter_size: '',
            quantization_level: '',
          },
        })),
        object: 'list',
        data: models.map((id) => ({
          id,
          object: 'model',
          created,
          owned_by: 'llamacpp',
          meta: {
            vocab_type: 2,
            n_vocab: 151936,
            n_ctx_train: maxModelLen,
            n_embd: 2048,
            n_params: 3085938688,
            size: 1929903104,
          },
        })),
      };
    }
    // vllm/entrypoints/openai/protocol.py ModelCard / ModelPermission.
    return {
      object: 'list',
      data: models.map((id, index) => ({
        id,
        object: 'model',
        created,
        // --owned-by stands in for servers with vLLM's wire format (SGLang: 'sglang').
        owned_by: values['owned-by'] ?? 'vllm',
        root: id,
        parent: null,
        max_model_len: maxModelLen,
        permission: [
          {
            id: `modelperm-${hexId(index + 1, 16)}`,
            object: 'model_permission',
            created,
            allow_create_engine: false,
            allow_sampling: true,
            allow_logprobs: true,
            allow_search_indices: false,
            allow_view: true,
            allow_fine_tuning: false,
            organization: '*',
            group: null,
            is_blocking: false,
          },
        ],
      })),
    };
  }

  /** A stand-in tokenizer: one token per four characters. */
  const fakeTokens = (length) => {
    const tokens = new Array(Math.ceil(length / 4));
    for (let i = 0; i < tokens.length; i++) tokens[i] = 1000 + (i % 50000);
    return tokens;
  };
  const renderPrompt = (body) => {
    // A ChatML rendering, close enough to what a chat template produces for counting.
    let out = '';
    for (const message of body.messages ?? []) {
      const content =
        typeof message.content === 'string'
          ? message.content
          : JSON.stringify(message.content ?? '');
      out += `<|im_start|>${message.role}\n${content}<|im_end|>\n`;
    }
    if (body.tools?.length)
      out = `<|im_start|>system\n# Tools\n${JSON.stringify(body.tools)}<|im_end|>\n${out}`;
    return `${out}<|im_start|>assistant\n`;
  };

  function lastUserText(body) {
    const messages = Array.isArray(body.messages) ? body.messages : [];
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i];
      if (message?.role !== 'user') continue;
      if (typeof message.content === 'string') return message.content;
      if (Array.isArray(message.content)) {
        const text = message.content.find((part) => part?.type === 'text');
        if (text) return String(text.text);
      }
    }
    return '';
  }

  function basePlan(body, reply, rawLength) {
    const replyFlavor = reply.flavor ?? flavor;
    const n = ++seq;
    const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
      id:
        call.id ??
        (replyFlavor === 'llama-server'
          ? ids.llamaToolCall(n * 16 + index)
          : ids.vllmToolCall(n * 16 + index)),
      name: call.name,
      arguments:
        typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
    }));
    const content = reply.text ?? '';
    const reasoning = reply.reasoning ?? '';
    const chunkSize = reply.chunkSize ?? 4;
    const completion =
      reply.usage?.completion ??
      Math.max(
        1,
        Math.ceil(
          (content.length +
            reasoning.length +
            toolCalls.reduce((s, c) => s + c.arguments.length + c.name.length, 0)) /
            4,
        ),
      );
    return {
      flavor: replyFlavor,
      id: replyFlavor === 'llama-server' ? ids.llamaCompletion(n) : ids.vllmCompletion(n),
      created: Math.floor(Date.now() / 1000),
      model: reply.model ?? (typeof body.model === 'string' ? body.model : models[0]),
      content,
      contentPieces: reply.contentPieces,
      reasoning,
      reasoningField: reply.reasoningField,
      toolCalls,
      finishReason: reply.finishReason ?? (toolCalls.length ? 'tool_calls' : 'stop'),
      chunkSize,
      argsChunkSize: reply.argsChunkSize ?? 8,
      wholeCalls: reply.wholeCalls === true,
      interleave: reply.interleave === true,
      argsWithFinish: reply.argsWithFinish === true,
      lastWithFinish: reply.finishReason === 'length',
      llamaLegacyUsage: reply.llamaLegacyUsage === true,
      vllmLegacy: reply.vllmLegacy === true,
      includeUsage: reply.includeUsage ?? body.stream_options?.include_usage === true,
      continuousUsage: body.stream_options?.continuous_usage_stats === true,
      timingsPerToken: body.timings_per_token === true,
      usage: {
        prompt: reply.usage?.prompt ?? Math.max(1, Math.ceil(rawLength / 4)),
        completion,
        ...(reply.usage?.cached === undefined ? {} : { cached: reply.usage.cached }),
      },
    };
  }

  function defaultReply(body) {
    let text = defaultText;
    if (text === undefined) {
      const said = lastUserText(body).replace(/\s+/g, ' ').trim().slice(0, 120);
      text = `You said: ${said || '(nothing)'}`;
    }
    if (defaultTokens !== undefined) {
      // Exactly N content deltas, cycling through the words of the text.
      const words = text.split(' ').filter(Boolean);
      const pieces = new Array(defaultTokens);
      for (let i = 0; i < defaultTokens; i++)
        pieces[i] = `${i === 0 ? '' : ' '}${words[i % words.length]}`;
      return {
        text: pieces.join(''),
        contentPieces: pieces,
        usage: { completion: defaultTokens },
        interChunkDelayMs: tokenDelayMs,
      };
    }
    return { text, chunkSize: 6, interChunkDelayMs: tokenDelayMs };
  }

  function streamPieces(plan) {
    return plan.flavor === 'llama-server' ? llamaStream(plan) : vllmStream(plan);
  }
  function completionBody(plan) {
    return plan.flavor === 'llama-server' ? llamaCompletion(plan) : vllmCompletion(plan);
  }

  /** Writes pieces honouring backpressure, pacing and a scripted cut. */
  function sendPieces(res, entry, pieces, reply) {
    const delay = reply.interChunkDelayMs ?? 0;
    const cutAt = reply.cutAtEnd === true ? pieces.length : (reply.cutAfterChunks ?? Infinity);
    let index = 0;
    const cut = () => {
      // An engine that crashes or a proxy that drops the connection: the chunked body never
      // gets its terminating chunk. The socket ends once what was written has reached it:
      // Node 24 holds a response's first writes until the next tick, and ending the socket
      // at once would drop them, headers included. socket.end() then flushes them, then FIN.
      entry.cut = true;
      stats.cut++;
      res.write('', () => res.socket?.end());
    };
    const step = () => {
      while (!res.destroyed) {
        if (index >= cutAt) return cut();
        if (index >= pieces.length) return void res.end();
        const ok = res.write(pieces[index++]);
        if (delay > 0) {
          if (ok) setTimeout(step, delay);
          else res.once('drain', () => setTimeout(step, delay));
          return;
        }
        if (!ok) return void res.once('drain', step);
      }
    };
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      ...reply.headers,
    });
    if (delay > 0 || cutAt === 0) res.flushHeaders();
    step();
  }

  function sendStatus(res, reply) {
    const body =
      reply.body === undefined
        ? ''
        : typeof reply.body === 'string'
          ? reply.body
          : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...reply.headers,
    });
    res.end(body);
  }

  /** The first queued reply meant for `endpoint` ('chat' unless the reply names another). */
  function takeReply(endpoint) {
    const at = queue.findIndex((reply) => (reply.endpoint ?? 'chat') === endpoint);
    return at === -1 ? undefined : queue.splice(at, 1)[0];
  }

  /**
   * A scripted hang, delay or answer for the tokenizer or models endpoint; false when the
   * request needs no more (the client left, or the scripted answer was sent).
   */
  async function endpointTiming(res, endpoint) {
    const reply = takeReply(endpoint);
    if (reply?.hang) return false; // the close listener records the client giving up
    if (reply?.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (reply?.status !== undefined && !res.destroyed) {
      sendStatus(res, reply);
      return false;
    }
    return !res.destroyed;
  }

  async function chat(req, res, body, entry, rawLength) {
    let reply = takeReply('chat') ?? defaultReply(body);
    if (reply.hang) return; // the close listener records the client giving up
    if (reply.drop) {
      entry.cut = true;
      stats.cut++;
      req.socket.end();
      return;
    }
    if (reply.delayMs) {
      await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      if (res.destroyed) return;
    }
    if (reply.fixture !== undefined) {
      const fixture = loadFixture(reply.fixture);
      if (fixture.response) reply = { ...fixture.response, ...withoutFixture(reply) };
      else
        reply = {
          ...reply,
          pieces: fixture.pieces,
          flavor:
            reply.flavor ?? (reply.fixture.includes('llama-server') ? 'llama-server' : 'vllm'),
        };
    }
    if (reply.status !== undefined) return sendStatus(res, reply);
    const stream = body.stream === true;
    if (reply.pieces !== undefined || reply.sse !== undefined) {
      const pieces = reply.pieces ?? reply.sse;
      if (stream) return sendPieces(res, entry, pieces, reply);
      const plan = { ...accumulate(pieces), flavor: reply.flavor ?? flavor };
      plan.id ??= ids.vllmCompletion(++seq);
      plan.created ??= Math.floor(Date.now() / 1000);
      plan.model ??= body.model;
      plan.finishReason ??= 'stop';
      return json(res, 200, completionBody(plan));
    }
    const plan = basePlan(body, reply, rawLength);
    if (stream) return sendPieces(res, entry, streamPieces(plan), reply);
    return json(res, 200, completionBody(plan));
  }

  function withoutFixture(reply) {
    const { fixture: _fixture, ...rest } = reply;
    return rest;
  }

  async function control(req, res, path) {
    if (req.method === 'POST' && path === '/__control/script') {
      const parsed = JSON.parse((await readBody(req)) || '[]');
      queue.push(...(Array.isArray(parsed) ? parsed : [parsed]));
      return json(res, 200, { queued: queue.length });
    }
    if (req.method === 'GET' && path === '/__control/requests') return json(res, 200, log);
    if (req.method === 'DELETE' && path === '/__control/requests') {
      const cleared = log.length;
      log = [];
      return json(res, 200, { cleared });
    }
    if (req.method === 'GET' && path === '/__control/stats') {
      return json(res, 200, { ...stats, queued: queue.length });
    }
    if (req.method === 'POST' && path === '/__control/models') {
      models = JSON.parse(await readBody(req));
      return json(res, 200, { models });
    }
    if (req.method === 'POST' && path === '/__control/reset') {
      queue = [];
      log = [];
      for (const key of ['received', 'completed', 'aborted', 'cut']) stats[key] = 0;
      return json(res, 200, {});
    }
    return json(res, 404, { error: `unknown control path ${req.method} ${path}` });
  }

  function authorised(req, path) {
    if (apiKey === undefined) return true;
    // vLLM's middleware guards only /v1 paths; llama-server exempts its public probes.
    if (flavor === 'vllm' && !path.startsWith('/v1')) return true;
    if (
      flavor === 'llama-server' &&
      ['/health', '/v1/health', '/models', '/v1/models'].includes(path)
    ) {
      return true;
    }
    return req.headers.authorization === `Bearer ${apiKey}`;
  }

  async function handle(req, res) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (path.startsWith('/__control/')) return control(req, res, path);

    const text = req.method === 'GET' || req.method === 'HEAD' ? '' : await readBody(req);
    let body = {};
    let invalid = false;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        invalid = true;
      }
    }
    stats.received++;
    stats.inFlight++;
    const entry = {
      seq: stats.received,
      method: req.method,
      path,
      headers: req.headers,
      body: invalid ? text : body,
      receivedAt: Date.now(),
      aborted: false,
      cut: false,
      completed: false,
    };
    if (maxLog > 0) {
      log.push(entry);
      if (log.length > maxLog) log = log.slice(log.length - Math.floor(maxLog / 2));
    }
    res.once('close', () => {
      stats.inFlight--;
      if (res.writableFinished) {
        entry.completed = true;
        stats.completed++;
      } else if (!entry.cut) {
        entry.aborted = true;
        stats.aborted++;
      }
    });

    if (!authorised(req, path)) {
      return json(
        res,
        401,
        // vLLM: JSONResponse(content={"error": "Unauthorized"}, status_code=401).
        flavor === 'vllm' ? { error: 'Unauthorized' } : errorBody(flavor, 401, 'Invalid API Key'),
      );
    }
    if (invalid) {
      return json(res, 400, errorBody(flavor, 400, 'Invalid JSON in request body'));
    }
    if (req.method === 'GET' && (path === '/health' || path === '/v1/health')) {
      return flavor === 'vllm'
        ? void res.writeHead(200, { 'content-length': 0 }).end()
        : json(res, 200, { status: 'ok' });
    }
    if (
      req.method === 'GET' &&
      (path === '/v1/models' || (flavor === 'llama-server' && path === '/models'))
    ) {
      if (!(await endpointTiming(res, 'models'))) return;
      return json(res, 200, modelList());
    }
    const chatPath =
      path === '/v1/chat/completions' ||
      (flavor === 'llama-server' && path === '/chat/completions');
    if (req.method === 'POST' && chatPath) {
      if (strictModels && flavor === 'vllm' && !models.includes(body.model)) {
        return json(res, 404, {
          error: {
            message: `The model \`${body.model}\` does not exist.`,
            type: 'NotFoundError',
            param: 'model',
            code: 404,
          },
        });
      }
      return chat(req, res, body, entry, text.length);
    }
    const tokenizer =
      req.method === 'POST' &&
      (path === '/tokenize' || (flavor === 'llama-server' && path === '/apply-template'));
    if (tokenizer && !(await endpointTiming(res, 'tokenize'))) return;
    if (req.method === 'POST' && path === '/tokenize' && flavor === 'vllm') {
      // vllm/entrypoints/serve/tokenize: TokenizeResponse(count, max_model_len, tokens, token_strs).
      const length = body.messages ? renderPrompt(body).length : String(body.prompt ?? '').length;
      const tokens = fakeTokens(length);
      return json(res, 200, {
        count: tokens.length,
        max_model_len: maxModelLen,
        tokens,
        token_strs: null,
      });
    }
    if (req.method === 'POST' && path === '/apply-template' && flavor === 'llama-server') {
      return json(res, 200, { prompt: renderPrompt(body) });
    }
    if (req.method === 'POST' && path === '/tokenize' && flavor === 'llama-server') {
      // handle_tokenize: no `content` → empty list; with_pieces → [{id, piece}].
      const content = typeof body.content === 'string' ? body.content : '';
      const tokens = fakeTokens(content.length);
      if (body.with_pieces) {
        const pieces = splitText(content, 4);
        return json(res, 200, { tokens: tokens.map((id, i) => ({ id, piece: pieces[i] ?? '' })) });
      }
      return json(res, 200, { tokens });
    }
    return json(
      res,
      404,
      flavor === 'vllm' ? { detail: 'Not Found' } : errorBody(flavor, 404, 'File Not Found'),
    );
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) json(res, 500, errorBody(flavor, 500, String(error?.message ?? error)));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.listen(Number(values.port), '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
  });
  const stop = () => {
    server.closeAllConnections?.();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The parent going away (its stdin pipe closing) ends this process too, so a crashed test
  // run never leaves an upstream listening.
  if (values['exit-with-stdin']) process.stdin.on('end', stop).on('error', stop).resume();
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      flavor: { type: 'string', default: 'vllm' },
      models: { type: 'string', default: 'test-model' },
      'api-key': { type: 'string' },
      'max-model-len': { type: 'string', default: '32768' },
      'default-reply': { type: 'string' },
      tokens: { type: 'string' },
      'token-delay-ms': { type: 'string', default: '0' },
      'max-log': { type: 'string', default: '10000' },
      'strict-models': { type: 'boolean', default: false },
      'owned-by': { type: 'string' },
      'exit-with-stdin': { type: 'boolean', default: false },
    },
  });
  startServer(values);
}
