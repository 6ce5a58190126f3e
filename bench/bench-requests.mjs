// The request bodies of the overhead benchmarks and the checks every reply must pass.
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
export const model = 'bench-model';

/** The small body and the captured Claude Code turn, each as Anthropic and as OpenAI request. */
export function bodies() {
  const claudeCode = JSON.parse(
    readFileSync(new URL('test/fixtures/claude-code/request-3.json', root), 'utf8'),
  ).body;
  const claudeCodeDirect = JSON.parse(
    readFileSync(new URL('test/fixtures/claude-code/upstream-request-3.json', root), 'utf8'),
  );
  const small = { model, max_tokens: 256, messages: [{ role: 'user', content: 'Say hello.' }] };
  const smallDirect = {
    model,
    messages: [{ role: 'user', content: 'Say hello.' }],
    max_tokens: 256,
  };
  return {
    small: { anthropic: small, openai: smallDirect, tools: false },
    'claude-code': {
      anthropic: { ...claudeCode, model },
      openai: { ...claudeCodeDirect, model },
      tools: true,
    },
  };
}

/** kind: 'ferry' (Anthropic request) or 'direct' (OpenAI request to the upstream). */
export function requestFor(kind, body, stream) {
  if (kind === 'ferry') return JSON.stringify({ ...body.anthropic, stream });
  const direct = { ...body.openai, stream };
  if (stream) direct.stream_options = { include_usage: true };
  else delete direct.stream_options;
  return JSON.stringify(direct);
}

/** Whether a reply is complete and carries exactly the `tokens` the upstream generated. */
export function checker(kind, tools, stream, tokens) {
  const expectedText = Array.from({ length: tokens }, (_, i) => `tok${i} `).join('');
  if (kind === 'ferry' && stream) {
    // A tool call's arguments go out a whole member at a time (as Anthropic sends them), so
    // they are joined and compared; text deltas are one per upstream token.
    return (text) =>
      text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n') &&
      (tools
        ? toolContent(text) === expectedText
        : count(text, '"text":"tok') === tokens) &&
      text.includes(tools ? '"stop_reason":"tool_use"' : '"stop_reason":"end_turn"');
  }
  if (kind === 'direct' && stream) {
    return (text) =>
      text.endsWith('data: [DONE]\n\n') &&
      count(text, tools ? '"arguments":"tok' : '"content":"tok') === tokens;
  }
  return (text) => {
    const json = JSON.parse(text);
    if (kind === 'direct') {
      const message = json.choices[0].message;
      return tools
        ? JSON.parse(message.tool_calls[0].function.arguments).content === expectedText
        : message.content === expectedText;
    }
    const block = json.content[0];
    return tools ? block.input.content === expectedText : block.text === expectedText;
  };
}

/** The `content` argument of a streamed tool call: its input_json_delta pieces, joined. */
function toolContent(text) {
  const key = '"partial_json":';
  let json = '';
  for (let at = text.indexOf(key); at !== -1; at = text.indexOf(key, at + 1)) {
    const start = at + key.length;
    const end = text.indexOf('}}\n', start); // the delta object and the event close there
    json += JSON.parse(text.slice(start, end));
  }
  try {
    return JSON.parse(json).content;
  } catch {
    return undefined;
  }
}

function count(text, needle) {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + 1)) n++;
  return n;
}

/**
 * Whether the reply so far holds its first content, the same on both sides: a text token, or a
 * tool call's start (its name). Not the role chunk that opens an OpenAI stream, which carries
 * none. A non-streamed reply has it when its body arrives (`"message"` direct; Ferry's JSON
 * has no stream events, so its time to first token is the reply's).
 */
export const firstToken = {
  ferry: (text) => text.includes('content_block_start'),
  direct: (text) =>
    text.includes('"content":"tok') || text.includes('"tool_calls"') || text.includes('"message"'),
};
