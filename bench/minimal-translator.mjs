#!/usr/bin/env node
// The reference point of issue 7: a minimal hand-written Anthropic-to-OpenAI translator, the
// kind of gateway that does no validation, no error mapping, no usage details, no parsers, no
// backpressure and no cancellation. It translates what the benchmark's bodies need (system
// prompt, text, tool use and results, tools) and nothing more, and writes each upstream read as
// it comes. `npm run bench` runs it next to Ferry, so Ferry's cost can be read against what the
// bare minimum costs on the same machine in the same run. Not for use as a gateway.
//
//   node bench/minimal-translator.mjs --upstream http://127.0.0.1:PORT/v1 [--port 0]
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { upstream: { type: 'string' }, port: { type: 'string', default: '0' } },
});
const upstream = new URL(`${values.upstream.replace(/\/$/, '')}/chat/completions`);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function toOpenAI(body) {
  const messages = [];
  if (body.system !== undefined) messages.push({ role: 'system', content: textOf(body.system) });
  for (const message of body.messages) {
    if (typeof message.content === 'string') {
      messages.push({ role: message.role, content: message.content });
      continue;
    }
    const calls = [];
    let text = '';
    for (const block of message.content) {
      if (block.type === 'text') text += block.text;
      else if (block.type === 'tool_use')
        calls.push({
          id: block.id,
          type: 'function',
          function: { name: block.name, arguments: JSON.stringify(block.input) },
        });
      else if (block.type === 'tool_result')
        messages.push({
          role: 'tool',
          tool_call_id: block.tool_use_id,
          content: textOf(block.content),
        });
    }
    if (calls.length > 0)
      messages.push({ role: 'assistant', content: text || null, tool_calls: calls });
    else if (text !== '') messages.push({ role: message.role, content: text });
  }
  const request = {
    model: body.model,
    messages,
    max_tokens: body.max_tokens,
    stream: body.stream === true,
  };
  if (request.stream) request.stream_options = { include_usage: true };
  if (body.temperature !== undefined) request.temperature = body.temperature;
  if (body.tools !== undefined)
    request.tools = body.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.input_schema },
    }));
  return request;
}

function textOf(content) {
  if (content === undefined) return '';
  return typeof content === 'string' ? content : content.map((block) => block.text ?? '').join('');
}

const stopReasons = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' };
const sse = (event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

/** Anthropic stream events for the upstream's SSE bytes, as they arrive. */
function streamTranslator(model) {
  let buffer = '';
  let started = false;
  let block = -1;
  let open = undefined; // 'text' or 'tool'
  let stopReason = 'end_turn';
  let outputTokens = 0;
  const closeBlock = () => {
    if (open === undefined) return '';
    open = undefined;
    return sse({ type: 'content_block_stop', index: block });
  };
  const openBlock = (kind, contentBlock) => {
    const close = closeBlock();
    open = kind;
    block++;
    return close + sse({ type: 'content_block_start', index: block, content_block: contentBlock });
  };
  const onChunk = (chunk) => {
    let out = '';
    if (!started) {
      started = true;
      out += sse({
        type: 'message_start',
        message: {
          id: `msg_${chunk.id}`,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      });
    }
    if (chunk.usage) outputTokens = chunk.usage.completion_tokens;
    const choice = chunk.choices?.[0];
    if (choice === undefined) return out;
    const delta = choice.delta ?? {};
    if (delta.content) {
      if (open !== 'text') out += openBlock('text', { type: 'text', text: '' });
      out += sse({
        type: 'content_block_delta',
        index: block,
        delta: { type: 'text_delta', text: delta.content },
      });
    }
    for (const call of delta.tool_calls ?? []) {
      if (call.id)
        out += openBlock('tool', {
          type: 'tool_use',
          id: call.id,
          name: call.function.name,
          input: {},
        });
      if (call.function?.arguments)
        out += sse({
          type: 'content_block_delta',
          index: block,
          delta: { type: 'input_json_delta', partial_json: call.function.arguments },
        });
    }
    if (choice.finish_reason) stopReason = stopReasons[choice.finish_reason] ?? 'end_turn';
    return out;
  };
  return {
    push(text) {
      buffer += text;
      let out = '';
      let end;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!line.startsWith('data: ')) continue;
        const data = line.slice(6);
        if (data === '[DONE]') {
          out += closeBlock();
          out += sse({
            type: 'message_delta',
            delta: { stop_reason: stopReason, stop_sequence: null },
            usage: { output_tokens: outputTokens },
          });
          out += sse({ type: 'message_stop' });
        } else out += onChunk(JSON.parse(data));
      }
      return out;
    },
  };
}

function toAnthropic(completion, model) {
  const message = completion.choices[0].message;
  const content = [];
  if (message.content) content.push({ type: 'text', text: message.content });
  for (const call of message.tool_calls ?? [])
    content.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: JSON.parse(call.function.arguments),
    });
  return {
    id: `msg_${completion.id}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReasons[completion.choices[0].finish_reason] ?? 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: completion.usage?.prompt_tokens ?? 0,
      output_tokens: completion.usage?.completion_tokens ?? 0,
    },
  };
}

const server = http.createServer((req, res) => {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (text) => (raw += text));
  req.on('end', () => {
    const body = JSON.parse(raw);
    const payload = JSON.stringify(toOpenAI(body));
    const call = http.request(upstream, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    });
    call.on('response', (reply) => {
      reply.setEncoding('utf8');
      if (body.stream !== true) {
        let text = '';
        reply.on('data', (piece) => (text += piece));
        reply.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(toAnthropic(JSON.parse(text), body.model)));
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const translator = streamTranslator(body.model);
      reply.on('data', (piece) => {
        const out = translator.push(piece);
        if (out !== '') res.write(out);
      });
      reply.on('end', () => res.end());
    });
    call.end(payload);
  });
});
server.listen(Number(values.port), '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
process.on('SIGTERM', () => process.exit(0));
