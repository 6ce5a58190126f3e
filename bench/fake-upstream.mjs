#!/usr/bin/env node
// A fast fake OpenAI-compatible upstream for the overhead benchmark (not for tests: the
// scripted upstream in test/helpers replays captured streams and can inject faults).
// Chunks are shaped like vLLM's (vllm/entrypoints/openai/serving_chat.py): role chunk, one
// content delta per token, a finish chunk with stop_reason, a usage chunk with empty choices,
// then [DONE]; with `stream_options.continuous_usage_stats` every chunk before the last carries
// the counts so far too, as vLLM's do. Requests that carry tools get a tool call whose
// arguments stream in pieces.
//
//   node bench/fake-upstream.mjs --port 0 --tokens 64 --token-delay-ms 0
// prints {"port":N} when ready.
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    tokens: { type: 'string', default: '64' },
    'token-delay-ms': { type: 'string', default: '0' },
    model: { type: 'string', default: 'bench-model' },
  },
});
const tokens = Number(values.tokens);
const delayMs = Number(values['token-delay-ms']);
const model = values.model;
const head = `{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764000000,"model":"${model}","choices":[{"index":0,"delta":`;
const tail = ',"logprobs":null,"finish_reason":null}]';
/** `usage`: '' or `,"usage":{…}` (continuous usage stats). */
const frame = (delta, usage = '') => `data: ${head}${delta}${tail}${usage}}\n\n`;
const roleFrame = (usage) => frame('{"role":"assistant","content":""}', usage);
const tokenFrame = (i, usage) => frame(`{"content":"tok${i} "}`, usage);
const finishFrame = (reason, usage = '') =>
  `data: ${head}{"content":""},"logprobs":null,"finish_reason":"${reason}","stop_reason":null}]${usage}}\n\n`;
const countsSoFar = (prompt, completion) =>
  `,"usage":{"prompt_tokens":${prompt},"total_tokens":${prompt + completion},"completion_tokens":${completion}}`;
const usageFrame = (prompt) =>
  `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764000000,"model":"${model}","choices":[],"usage":{"prompt_tokens":${prompt},"total_tokens":${prompt + tokens},"completion_tokens":${tokens},"prompt_tokens_details":null}}\n\n`;
const toolStart = (usage) =>
  frame(
    '{"tool_calls":[{"id":"chatcmpl-tool-bench","type":"function","index":0,"function":{"name":"Write","arguments":""}}]}',
    usage,
  );
const toolPiece = (text, usage) =>
  frame(`{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(text)}}}]}`, usage);

/** The frames of one reply: text, or a tool call whose JSON arguments arrive in `tokens` pieces. */
function replyFrames(withTools, promptTokens, continuous) {
  const usage = (completion) => (continuous ? countsSoFar(promptTokens, completion) : '');
  const frames = [roleFrame(usage(0))];
  if (withTools) {
    frames.push(
      toolStart(usage(1)),
      toolPiece('{"file_path": "/tmp/bench.txt", "content": "', usage(1)),
    );
    for (let i = 0; i < tokens; i++) frames.push(toolPiece(`tok${i} `, usage(i + 1)));
    frames.push(toolPiece('"}', usage(tokens)), finishFrame('tool_calls', usage(tokens)));
  } else {
    for (let i = 0; i < tokens; i++) frames.push(tokenFrame(i, usage(i + 1)));
    frames.push(finishFrame('stop', usage(tokens)));
  }
  frames.push(usageFrame(promptTokens), 'data: [DONE]\n\n');
  return frames;
}
/** The same reply as one chat.completion object, for `stream: false` requests. */
function completionBody(withTools, promptTokens) {
  const text = Array.from({ length: tokens }, (_, i) => `tok${i} `).join('');
  const message = withTools
    ? {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'chatcmpl-tool-bench',
            type: 'function',
            function: {
              name: 'Write',
              arguments: JSON.stringify({ file_path: '/tmp/bench.txt', content: text }),
            },
          },
        ],
      }
    : { role: 'assistant', content: text };
  return JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1764000000,
    model,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: withTools ? 'tool_calls' : 'stop',
        stop_reason: null,
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      total_tokens: promptTokens + tokens,
      completion_tokens: tokens,
    },
  });
}
const cached = new Map();
const framesFor = (withTools, promptTokens, continuous) => {
  const key = `${withTools}:${promptTokens}:${continuous}`;
  if (!cached.has(key)) cached.set(key, replyFrames(withTools, promptTokens, continuous));
  return cached.get(key);
};

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/v1/models') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        object: 'list',
        data: [{ id: model, object: 'model', owned_by: 'vllm', max_model_len: 131072 }],
      }),
    );
    return;
  }
  let size = 0;
  let withTools = false;
  const pieces = [];
  req.on('data', (chunk) => {
    size += chunk.length;
    pieces.push(chunk);
  });
  req.on('end', () => {
    // Cheap stand-ins for a tokenizer: about four bytes a token; tools if the body names some.
    const body = Buffer.concat(pieces);
    withTools = body.includes('"tools":[');
    if (body.includes('"stream":false')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(completionBody(withTools, Math.ceil(size / 4)));
      return;
    }
    const continuous = body.includes('"continuous_usage_stats":true');
    const frames = framesFor(withTools, Math.ceil(size / 4), continuous);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    // One write per chunk, as vLLM streams token by token; with no delay the next chunk
    // follows on the next turn of the event loop.
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i === frames.length) return void res.end();
      const ok = res.write(frames[i++]);
      const go = () => (delayMs === 0 || i <= 1 ? setImmediate(next) : setTimeout(next, delayMs));
      if (ok) go();
      else res.once('drain', go);
    };
    next();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
