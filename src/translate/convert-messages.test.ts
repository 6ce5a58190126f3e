import { describe, expect, test } from 'vitest';
import type { RequestMessage } from '../protocol/messages-request-schema.js';
import { convertMessages } from './convert-messages.js';

const png = { type: 'base64', media_type: 'image/png', data: 'AAAA' } as const;

describe('convertMessages', () => {
  test.each<{ name: string; system?: string; messages: RequestMessage[]; expected: unknown[] }>([
    {
      name: 'string content and the system prompt first',
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'hi' }],
      expected: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
    },
    {
      name: 'text blocks joined with a blank line',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: '<system-reminder>x</system-reminder>' },
            { type: 'text', text: 'do it' },
          ],
        },
      ],
      expected: [{ role: 'user', content: '<system-reminder>x</system-reminder>\n\ndo it' }],
    },
    {
      name: 'images as image_url parts (base64 → data URL, url as is)',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this' },
            { type: 'image', source: png },
            { type: 'image', source: { type: 'url', url: 'https://x/y.png' } },
          ],
        },
      ],
      expected: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            { type: 'image_url', image_url: { url: 'https://x/y.png' } },
          ],
        },
      ],
    },
    {
      name: 'text documents inline with their title',
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'document',
              title: 'notes.txt',
              source: { type: 'text', media_type: 'text/plain', data: 'abc' },
            },
            { type: 'text', text: 'summarise' },
          ],
        },
      ],
      expected: [{ role: 'user', content: 'notes.txt\n\nabc\n\nsummarise' }],
    },
    {
      name: 'tool calls, then tool results before the user text of the same message',
      messages: [
        { role: 'user', content: 'write it' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'plan', signature: 'sig' },
            { type: 'text', text: 'Writing.' },
            {
              type: 'tool_use',
              id: 'toolu_1',
              name: 'Write',
              input: { file_path: '/a', content: 'x' },
            },
            { type: 'tool_use', id: 'toolu_2', name: 'Bash', input: { command: 'ls' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'and then?' },
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_2',
              content: [
                { type: 'text', text: 'a' },
                { type: 'text', text: 'b' },
              ],
              is_error: true,
            },
          ],
        },
      ],
      expected: [
        { role: 'user', content: 'write it' },
        {
          role: 'assistant',
          content: 'Writing.',
          reasoning_content: 'plan',
          tool_calls: [
            {
              id: 'toolu_1',
              type: 'function',
              function: { name: 'Write', arguments: '{"file_path":"/a","content":"x"}' },
            },
            {
              id: 'toolu_2',
              type: 'function',
              function: { name: 'Bash', arguments: '{"command":"ls"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'ok' },
        { role: 'tool', tool_call_id: 'toolu_2', content: 'Error: a\n\nb' },
        { role: 'user', content: 'and then?' },
      ],
    },
    {
      name: 'results in the order of the calls, whatever order the client finished them in',
      messages: [
        {
          role: 'assistant',
          content: ['a', 'b', 'c'].map((id) => ({
            type: 'tool_use' as const,
            id,
            name: 'Read',
            input: {},
          })),
        },
        {
          role: 'user',
          content: ['c', 'a'].map((id) => ({
            type: 'tool_result' as const,
            tool_use_id: id,
            content: id,
          })),
        },
        // A second user message is the same turn: its result still takes its call's place.
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'b', content: 'b' }] },
      ],
      expected: [
        {
          role: 'assistant',
          content: '',
          tool_calls: ['a', 'b', 'c'].map((id) => ({
            id,
            type: 'function',
            function: { name: 'Read', arguments: '{}' },
          })),
        },
        { role: 'tool', tool_call_id: 'a', content: 'a' },
        { role: 'tool', tool_call_id: 'b', content: 'b' },
        { role: 'tool', tool_call_id: 'c', content: 'c' },
      ],
    },
    {
      name: 'images in tool results follow the tool messages as user content',
      messages: [
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 't1', name: 'Screenshot', input: {} }],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't1',
              content: [
                { type: 'text', text: 'shot' },
                { type: 'image', source: png },
              ],
            },
          ],
        },
      ],
      expected: [
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: 't1', type: 'function', function: { name: 'Screenshot', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 't1', content: 'shot' },
        {
          role: 'user',
          content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }],
        },
      ],
    },
    {
      name: 'a system message after a user turn joins that turn',
      system: 'S',
      messages: [
        { role: 'user', content: 'u1' },
        { role: 'system', content: [{ type: 'text', text: 'reminder' }] },
        { role: 'assistant', content: 'a1' },
      ],
      expected: [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'u1\n\nreminder' },
        { role: 'assistant', content: 'a1' },
      ],
    },
    {
      name: 'a system message after tool calls waits until after the tool results',
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: {} }] },
        { role: 'system', content: 'mid' },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'done' }] },
      ],
      expected: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'Bash', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 't1', content: 'done' },
        { role: 'user', content: 'mid' },
      ],
    },
    {
      name: 'a leading system message joins the system prompt',
      system: 'S',
      messages: [
        { role: 'system', content: 'more' },
        { role: 'user', content: 'u' },
      ],
      expected: [
        { role: 'system', content: 'S\n\nmore' },
        { role: 'user', content: 'u' },
      ],
    },
    {
      name: 'a trailing system message becomes a final user turn',
      messages: [
        { role: 'user', content: 'u' },
        { role: 'assistant', content: 'a' },
        { role: 'system', content: 'late' },
      ],
      expected: [
        { role: 'user', content: 'u' },
        { role: 'assistant', content: 'a' },
        { role: 'user', content: 'late' },
      ],
    },
    {
      name: 'empty text blocks add no blank lines',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: '' },
            { type: 'text', text: 'hi' },
            { type: 'text', text: '' },
          ],
        },
      ],
      expected: [{ role: 'user', content: 'hi' }],
    },
    {
      name: 'clear_at next_user_message: shown until a user turn follows, then not',
      messages: [
        { role: 'user', content: 'u1' },
        { role: 'system', content: 'only for u1', clear_at: 'next_user_message' },
        { role: 'system', content: 'kept', clear_at: 'never' },
        { role: 'assistant', content: 'a1' },
        { role: 'user', content: 'u2' },
        { role: 'system', content: 'only for u2', clear_at: 'next_user_message' },
      ],
      expected: [
        { role: 'user', content: 'u1\n\nkept' },
        { role: 'assistant', content: 'a1' },
        { role: 'user', content: 'u2\n\nonly for u2' },
      ],
    },
    {
      name: 'tool changes read as a line each; a per-turn effort adds nothing',
      messages: [
        { role: 'user', content: 'u' },
        { role: 'assistant', content: 'a' },
        {
          role: 'system',
          content: [
            { type: 'text', text: 'The clock is offline.' },
            { type: 'tool_removal', tool: { type: 'tool_reference', name: 'get_time' } },
            {
              type: 'tool_addition',
              tool: {
                type: 'tool_definition',
                definition: { name: 'lookup', input_schema: { type: 'object' } },
              },
            },
          ],
        },
        { role: 'system', content: [], output_config: { effort: 'low' } },
        { role: 'user', content: 'next' },
      ],
      expected: [
        { role: 'user', content: 'u' },
        { role: 'assistant', content: 'a' },
        {
          role: 'user',
          content: 'The clock is offline.\n\nTool removed: get_time\n\nTool added: lookup\n\nnext',
        },
      ],
    },
    {
      name: 'consecutive user turns merge; redacted thinking is dropped',
      messages: [
        { role: 'user', content: 'one' },
        { role: 'user', content: 'two' },
        {
          role: 'assistant',
          content: [
            { type: 'redacted_thinking', data: 'xx' },
            { type: 'text', text: 'ok' },
          ],
        },
      ],
      expected: [
        { role: 'user', content: 'one\n\ntwo' },
        { role: 'assistant', content: 'ok' },
      ],
    },
    {
      name: 'search results, alone and in a tool result, as titled text',
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'search_result',
              source: 'https://docs.example/a',
              title: 'Setup',
              content: [
                { type: 'text', text: 'Run npm install.' },
                { type: 'text', text: 'Then npm test.' },
              ],
            },
            { type: 'text', text: 'How do I start?' },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 's', name: 'Search', input: {} }] },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 's',
              content: [
                {
                  type: 'search_result',
                  source: 'kb://7',
                  title: 'FAQ',
                  content: [{ type: 'text', text: 'Use Node 20.' }],
                },
              ],
            },
          ],
        },
      ],
      expected: [
        {
          role: 'user',
          content:
            'Setup\nSource: https://docs.example/a\n\nRun npm install.\n\nThen npm test.\n\nHow do I start?',
        },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: 's', type: 'function', function: { name: 'Search', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 's', content: 'FAQ\nSource: kb://7\n\nUse Node 20.' },
      ],
    },
    {
      name: 'consecutive assistant turns merge, so each call is still followed by its result',
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'plan', signature: 's' },
            { type: 'text', text: 'Reading.' },
            { type: 'tool_use', id: 'a', name: 'Read', input: { path: '/a' } },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'b', name: 'Read', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'a', content: 'A' },
            { type: 'tool_result', tool_use_id: 'b', content: 'B' },
          ],
        },
      ],
      expected: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: 'Reading.',
          reasoning_content: 'plan',
          tool_calls: [
            { id: 'a', type: 'function', function: { name: 'Read', arguments: '{"path":"/a"}' } },
            { id: 'b', type: 'function', function: { name: 'Read', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'a', content: 'A' },
        { role: 'tool', tool_call_id: 'b', content: 'B' },
      ],
    },
  ])('$name', ({ system, messages, expected }) => {
    expect(convertMessages(messages, system)).toEqual(expected);
  });

  test.each<{ name: string; messages: RequestMessage[]; error: string }>([
    {
      name: 'PDF documents',
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'document',
              source: { type: 'base64', media_type: 'application/pdf', data: 'x' },
            },
          ],
        },
      ],
      error: 'messages.0.content.0.source: this model does not support PDF input',
    },
    {
      name: 'Files API references',
      messages: [
        { role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f' } }] },
      ],
      error: 'messages.0.content.0.source: file references',
    },
    {
      name: 'tool_use in a user message',
      messages: [{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'x', input: {} }] }],
      error: "messages.0.content.0.type: 'tool_use' blocks are only allowed in assistant messages",
    },
    {
      name: 'images in an assistant message',
      messages: [{ role: 'assistant', content: [{ type: 'image', source: png }] }],
      error: "messages.0.content.0.type: 'image' blocks are only allowed in user messages",
    },
  ])('rejects $name with a 400 naming the field', ({ messages, error }) => {
    expect(() => convertMessages(messages, undefined)).toThrow(error);
  });
});

test('thinking omitted from display comes back from the signature Ferry gave it', async () => {
  const { encodeThinkingSignature } = await import('../protocol/thinking-signature.js');
  const converted = convertMessages(
    [
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: '', signature: encodeThinkingSignature('my plan') },
          { type: 'text', text: 'a' },
        ],
      },
    ],
    undefined,
  );
  expect(converted[1]).toEqual({ role: 'assistant', content: 'a', reasoning_content: 'my plan' });
});
