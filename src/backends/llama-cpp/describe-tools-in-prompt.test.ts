import { expect, test } from 'vitest';
import type { ChatRequest } from '../../model/model-request.js';
import { describeToolsInPrompt, templateRendersTools } from './describe-tools-in-prompt.js';

const read = {
  type: 'function' as const,
  function: { name: 'Read', description: 'Read a file', parameters: { type: 'object' } },
};
const call = (id: string, args: string) => ({
  id,
  type: 'function' as const,
  function: { name: 'Read', arguments: args },
});
const text = (value: string) => ({ type: 'text' as const, text: value });

test.each<{ name: string; chat: ChatRequest; messages: unknown[] }>([
  {
    name: 'tools go after the system prompt, with the call format',
    chat: {
      model: 'm',
      stream: false,
      tools: [read],
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
    },
    messages: [
      {
        role: 'system',
        content: expect.stringMatching(
          /^Be brief\.\n\n# Tools\n[\s\S]*<tools>\n\{"type":"function","function":\{"name":"Read"[\s\S]*<tool_call>\n\{"name": "<tool name>"/,
        ) as string,
      },
      { role: 'user', content: [text('hi')] },
    ],
  },
  {
    name: 'without a system prompt, the tools make one',
    chat: { model: 'm', stream: false, tools: [read], messages: [{ role: 'user', content: 'hi' }] },
    messages: [
      { role: 'system', content: expect.stringMatching(/^# Tools\n/) as string },
      { role: 'user', content: [text('hi')] },
    ],
  },
  {
    name: 'past calls become assistant text, results and the next question one user turn',
    chat: {
      model: 'm',
      stream: false,
      messages: [
        { role: 'user', content: 'read both' },
        {
          role: 'assistant',
          content: 'Reading.',
          tool_calls: [call('a', '{"path":"/a"}'), call('b', '{"path":"/b"}')],
        },
        { role: 'tool', tool_call_id: 'a', content: 'A' },
        { role: 'tool', tool_call_id: 'b', content: 'B' },
        { role: 'user', content: 'and now?' },
      ],
    },
    messages: [
      { role: 'user', content: [text('read both')] },
      {
        role: 'assistant',
        content:
          'Reading.\n<tool_call>\n{"name": "Read", "arguments": {"path":"/a"}}\n</tool_call>\n<tool_call>\n{"name": "Read", "arguments": {"path":"/b"}}\n</tool_call>',
      },
      {
        role: 'user',
        content: [
          text('<tool_response>\nA\n</tool_response>'),
          text('<tool_response>\nB\n</tool_response>'),
          text('and now?'),
        ],
      },
    ],
  },
])('$name', ({ chat, messages }: { chat: ChatRequest; messages: unknown[] }) => {
  const before = JSON.stringify(chat);
  const described = describeToolsInPrompt(chat);
  expect(described.messages).toEqual(messages);
  expect(described.tools).toBeUndefined();
  expect(JSON.stringify(chat)).toBe(before); // the request itself is not changed
});

test('the same request gives the same prompt, turn after turn', () => {
  const chat: ChatRequest = {
    model: 'm',
    stream: false,
    tools: [read],
    messages: [{ role: 'user', content: 'x' }],
  };
  expect(JSON.stringify(describeToolsInPrompt(chat))).toBe(
    JSON.stringify(describeToolsInPrompt(chat)),
  );
});

test.each([
  ['{%- if tools %}{{ tools | tojson }}{% endif %}', true],
  ["{% for message in messages %}{{ message['content'] }}{% endfor %}", false],
])('templateRendersTools(%j) is %s', (source, renders) => {
  expect(templateRendersTools(source)).toBe(renders);
});
