import { describe, expect, test } from 'vitest';
import { checkThinkingBudget } from './check-request-rules.js';
import { countTokensRequestSchema, messagesRequestSchema } from './messages-request-schema.js';
import { parseRequestBody } from './parse-messages-request.js';

const base = {
  model: 'claude-opus-5-5',
  max_tokens: 128000,
  messages: [{ role: 'user', content: 'hi' }],
};

describe('messagesRequestSchema thinking', () => {
  test.each([
    [{ type: 'adaptive' }],
    [{ type: 'adaptive', display: 'omitted' }],
    [{ type: 'adaptive', display: 'summarized' }],
    // Claude Code 2.1.328 with its own model ids (beta thinking-display-updates-2026-08-18).
    [{ type: 'adaptive', display: 'updates' }],
    [{ type: 'enabled', budget_tokens: 1024, display: 'updates' }],
  ])('accepts %j', (thinking) => {
    expect(messagesRequestSchema.parse({ ...base, thinking }).thinking).toEqual(thinking);
  });

  test('refuses a thinking budget under 1024 tokens, as Anthropic does', () => {
    const result = messagesRequestSchema.safeParse({
      ...base,
      thinking: { type: 'enabled', budget_tokens: 1023 },
    });
    expect(result.error?.issues[0]?.path).toEqual(['thinking', 'budget_tokens']);
  });

  test('still rejects an unknown thinking type', () => {
    expect(
      messagesRequestSchema.safeParse({ ...base, thinking: { type: 'sometimes' } }).success,
    ).toBe(false);
  });
});

describe('rules across fields, as Anthropic enforces them', () => {
  const tool = (name: string, type = 'object') => ({ name, input_schema: { type } });
  test.each<{ name: string; request: object; path?: PropertyKey[]; message?: RegExp }>([
    {
      name: 'two tools of one name',
      request: { tools: [tool('Read'), tool('Bash'), tool('Read')] },
      path: ['tools', 2, 'name'],
      message: /unique/,
    },
    {
      name: 'a tool whose input is not an object',
      request: { tools: [tool('Read', 'string')] },
      path: ['tools', 0, 'input_schema', 'type'],
      message: /'object'/,
    },
    {
      name: 'a message with empty content',
      request: { messages: [{ role: 'user', content: [] }] },
      path: ['messages', 0],
      message: /non-empty content/,
    },
    {
      name: 'no messages',
      request: { messages: [] },
      path: ['messages'],
      message: /^at least one message is required$/,
    },
    {
      name: 'no messages on a new thread',
      request: { messages: [], thread: { type: 'create' } },
      path: ['messages'],
      message: /^at least one message is required$/,
    },
    {
      // The kept conversation supplies them: the SDK's thread sends none after a compaction.
      name: 'no messages on a thread’s continue',
      request: { messages: [], thread: { type: 'continue', previous_message_id: 'msg_1' } },
    },
    {
      name: 'an empty text block among others',
      request: {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'hi' },
              { type: 'text', text: '' },
            ],
          },
        ],
      },
      path: ['messages'],
      message: /^text content blocks must be non-empty$/,
    },
    {
      name: 'a text block of whitespace only',
      request: { messages: [{ role: 'user', content: [{ type: 'text', text: ' \n\t' }] }] },
      path: ['messages'],
      message: /^text content blocks must contain non-whitespace text$/,
    },
    {
      name: 'a whitespace block in an assistant turn of the history',
      request: {
        messages: [
          base.messages[0],
          {
            role: 'assistant',
            content: [
              { type: 'text', text: '\n\n' },
              { type: 'text', text: 'Done.' },
            ],
          },
          base.messages[0],
        ],
      },
      path: ['messages'],
      message: /^text content blocks must contain non-whitespace text$/,
    },
    {
      name: 'an empty system block',
      request: {
        system: [
          { type: 'text', text: 'You are terse.' },
          { type: 'text', text: '' },
        ],
      },
      path: ['system'],
      message: /^text content blocks must be non-empty$/,
    },
    {
      name: 'a system block of whitespace only',
      request: { system: [{ type: 'text', text: ' \n' }] },
      path: ['system'],
      message: /^text content blocks must contain non-whitespace text$/,
    },
    {
      name: 'an empty text block in a final assistant message',
      request: {
        messages: [base.messages[0], { role: 'assistant', content: [{ type: 'text', text: '' }] }],
      },
      path: ['messages'],
      message: /^text content blocks must be non-empty$/,
    },
    {
      name: 'an empty final assistant message (a prefill of nothing)',
      request: { messages: [base.messages[0], { role: 'assistant', content: '' }] },
    },
    {
      name: 'a prefill ending in whitespace',
      request: {
        messages: [
          base.messages[0],
          { role: 'assistant', content: [{ type: 'text', text: 'A: ' }] },
        ],
      },
      path: ['messages', 1],
      message: /trailing whitespace/,
    },
    {
      name: 'a system message with only a per-turn effort',
      request: {
        messages: [base.messages[0], { role: 'system', output_config: { effort: 'low' } }],
      },
    },
    {
      name: 'a system message with empty content and an effort (the documented form)',
      request: {
        messages: [
          base.messages[0],
          { role: 'system', content: [], output_config: { effort: 'low' } },
        ],
      },
    },
    {
      name: 'a system message with neither content nor an effort',
      request: { messages: [base.messages[0], { role: 'system', content: [], output_config: {} }] },
      path: ['messages', 1],
      message: /system message needs non-empty content, or an effort/,
    },
    {
      name: 'clear_at on a system message',
      request: {
        messages: [
          base.messages[0],
          { role: 'system', content: 'x', clear_at: 'next_user_message' },
        ],
      },
    },
    {
      name: 'clear_at on a user message',
      request: { messages: [{ role: 'user', content: 'hi', clear_at: 'next_user_message' }] },
      path: ['messages', 0, 'clear_at'],
      message: /only permitted on role: "system" messages/,
    },
    {
      name: 'an unknown clear_at',
      request: { messages: [base.messages[0], { role: 'system', content: 'x', clear_at: 'soon' }] },
      path: ['messages', 1, 'clear_at'],
    },
    {
      name: 'tool changes in a system message',
      request: {
        messages: [
          base.messages[0],
          {
            role: 'system',
            content: [
              { type: 'tool_removal', tool: { type: 'tool_reference', name: 'Read' } },
              {
                type: 'tool_addition',
                tool: {
                  type: 'tool_definition',
                  definition: { name: 'x', input_schema: { type: 'object' } },
                },
              },
            ],
          },
        ],
      },
    },
  ])('$name', ({ request, path, message }) => {
    const result = messagesRequestSchema.safeParse({ ...base, ...request });
    if (path === undefined) {
      expect(result.success).toBe(true);
      return;
    }
    expect(result.error?.issues[0]?.path).toEqual(path);
    expect(result.error?.issues[0]?.message).toMatch(message ?? /./);
  });
});

test('count_tokens takes no thread, so it always needs a message', () => {
  const result = countTokensRequestSchema.safeParse({
    ...base,
    messages: [],
    thread: { type: 'continue', previous_message_id: 'msg_1' },
  });
  expect(result.error?.issues.map(({ path, message }) => ({ path, message }))).toEqual([
    { path: ['messages'], message: 'at least one message is required' },
  ]);
});

test('empty text blocks are said to be empty once, not also to be whitespace', () => {
  const empty = { role: 'user', content: [{ type: 'text', text: '' }] };
  const result = messagesRequestSchema.safeParse({ ...base, messages: [empty, empty] });
  expect(result.error?.issues.map((issue) => issue.message)).toEqual([
    'text content blocks must be non-empty',
  ]);
});

test('a tool_removal takes a reference, not a definition: a 400 naming the field', () => {
  const removal = {
    type: 'tool_removal',
    tool: { type: 'tool_definition', definition: { name: 'x', input_schema: {} } },
  };
  expect(() =>
    parseRequestBody(messagesRequestSchema, {
      ...base,
      messages: [base.messages[0], { role: 'system', content: [removal] }],
    }),
  ).toThrow(/^messages\.1\.content\.0\.tool\.type: .*'tool_reference'/);
});

test('an image format Anthropic does not take is a 400 naming the field', () => {
  const image = { type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'AA' } };
  expect(() =>
    parseRequestBody(messagesRequestSchema, {
      ...base,
      messages: [{ role: 'user', content: [image] }],
    }),
  ).toThrow(/^messages\.0\.content\.0\.source\.media_type: .*image\/jpeg/);
});

test.each<{ name: string; budget: number; betas?: string; refused: boolean }>([
  { name: 'a budget at max_tokens', budget: 2000, refused: true },
  { name: 'a budget under max_tokens', budget: 1999, refused: false },
  {
    name: 'a budget over max_tokens with interleaved thinking (Claude Code sends that beta)',
    budget: 31999,
    betas: 'claude-code-20250219,interleaved-thinking-2025-05-14',
    refused: false,
  },
])('thinking budget: $name', ({ budget, betas, refused }) => {
  const request = { max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: budget } };
  const check = () => checkThinkingBudget(request, betas);
  if (refused) expect(check).toThrow('max_tokens: must be greater than thinking.budget_tokens');
  else expect(check).not.toThrow();
});

test.each([
  { mcp_servers: [], ok: true },
  { mcp_servers: [{ type: 'url', url: 'https://mcp.example.com', name: 'x' }], ok: false },
])('mcp_servers $mcp_servers: accepted $ok', ({ mcp_servers, ok }) => {
  const result = messagesRequestSchema.safeParse({ ...base, mcp_servers });
  expect(result.success).toBe(ok);
  if (!ok) expect(result.error?.issues[0]?.path).toEqual(['mcp_servers']);
});

test('output_format, the first name of output_config.format, is kept', () => {
  const output_format = { type: 'json_schema', schema: { type: 'object' } };
  expect(messagesRequestSchema.parse({ ...base, output_format }).output_format).toEqual(
    output_format,
  );
});

const image = (media_type: string) => ({
  type: 'image',
  source: { type: 'base64', media_type, data: 'AAAA' },
});

test.each([
  [{ model: 'm', messages: base.messages }, 'max_tokens: Field required'],
  [{ ...base, messages: [{ role: 'user' }] }, 'messages.0.content: Field required'],
  // Types and bounds in the words of Anthropic's API.
  [{ ...base, max_tokens: '5' }, 'max_tokens: Input should be a valid number'],
  [{ ...base, max_tokens: 5.5 }, 'max_tokens: Input should be a valid integer'],
  [{ ...base, max_tokens: -1 }, 'max_tokens: Input should be greater than or equal to 0'],
  [{ ...base, temperature: 1.5 }, 'temperature: Input should be less than or equal to 1'],
  [{ ...base, top_k: -1 }, 'top_k: Input should be greater than or equal to 0'],
  [{ ...base, stream: 'yes' }, 'stream: Input should be a valid boolean'],
  [{ ...base, system: 5 }, 'system: Input should be a valid string'],
  [{ ...base, messages: { role: 'user' } }, 'messages: Input should be a valid list'],
  [{ ...base, metadata: 'x' }, 'metadata: Input should be a valid dictionary'],
  [
    { ...base, output_config: { effort: 'extreme' } },
    "output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'",
  ],
  [
    { ...base, messages: [{ role: 'user', content: [image('image/bmp')] }] },
    "messages.0.content.0.source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'",
  ],
  // A custom tool's name, as Anthropic's API allows it.
  [
    { ...base, tools: [{ name: 'read file', input_schema: { type: 'object' } }] },
    "tools.0.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'",
  ],
  [
    { ...base, tools: [{ name: 'x'.repeat(129), input_schema: { type: 'object' } }] },
    "tools.0.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'",
  ],
])('%j is refused with %j', (body, message) => {
  expect(() => parseRequestBody(messagesRequestSchema, body)).toThrow(message);
});
