import { expect, test } from 'vitest';
import type { RequestContentBlock, RequestMessage } from '../protocol/messages-request-schema.js';
import { checkToolPairing } from './check-tool-pairing.js';

const call = (id: string) => ({ type: 'tool_use' as const, id, name: 'Bash', input: {} });
const result = (id: string) => ({ type: 'tool_result' as const, tool_use_id: id, content: 'ok' });
const text = (value: string) => ({ type: 'text' as const, text: value });
const user = (...content: RequestContentBlock[]): RequestMessage => ({
  role: 'user',
  content: content as never,
});
const assistant = (...content: RequestContentBlock[]): RequestMessage => ({
  role: 'assistant',
  content: content as never,
});
const system: RequestMessage = { role: 'system', content: 'reminder' };

test.each<{ name: string; messages: RequestMessage[] }>([
  { name: 'no tools', messages: [user(text('hi')), assistant(text('hello')), user(text('bye'))] },
  {
    name: 'each call answered in the next turn',
    messages: [user(text('go')), assistant(call('a'), call('b')), user(result('b'), result('a'))],
  },
  {
    name: 'a final assistant turn with calls (a prefill)',
    messages: [user(text('go')), assistant(call('a'))],
  },
  {
    name: 'a system message between the call and its result',
    messages: [user(text('go')), assistant(call('a')), system, user(result('a'))],
  },
  {
    name: 'results split over consecutive user messages (one turn)',
    messages: [
      user(text('go')),
      assistant(call('a'), call('b')),
      user(result('a')),
      user(result('b')),
    ],
  },
  {
    name: 'calls split over consecutive assistant messages (one turn)',
    messages: [
      user(text('go')),
      assistant(call('a')),
      assistant(call('b')),
      user(result('a'), result('b')),
    ],
  },
  {
    name: 'string content',
    messages: [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: 'done' },
    ],
  },
])('accepts $name', ({ messages }) => {
  expect(() => checkToolPairing(messages)).not.toThrow();
});

test.each<{ name: string; messages: RequestMessage[]; error: string }>([
  {
    name: 'a result with no call before it',
    messages: [user(text('go'), result('x'))],
    error: 'messages.0.content.1: unexpected `tool_use_id` found in `tool_result` blocks: x.',
  },
  {
    name: 'a result for a call two turns back',
    messages: [
      user(text('go')),
      assistant(call('a')),
      user(result('a')),
      assistant(text('done')),
      user(result('a')),
    ],
    error: 'messages.4.content.0: unexpected `tool_use_id` found in `tool_result` blocks: a.',
  },
  {
    name: 'a call the next turn does not answer',
    messages: [user(text('go')), assistant(text('sure'), call('a'), call('b')), user(result('a'))],
    error:
      'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: b.',
  },
  {
    name: 'a call answered only by plain text',
    messages: [user(text('go')), assistant(call('a')), { role: 'user', content: 'never mind' }],
    error:
      'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: a.',
  },
  {
    name: 'a tool_use id used twice in one message',
    messages: [user(text('go')), assistant(call('a'), call('a')), user(result('a'))],
    error: 'messages.1.content.1: `tool_use` ids must be unique',
  },
  {
    name: 'a tool_use id used again in a later turn',
    messages: [
      user(text('go')),
      assistant(call('a')),
      user(result('a')),
      assistant(call('a')),
      user(result('a')),
    ],
    error: 'messages.3.content.0: `tool_use` ids must be unique',
  },
  {
    name: 'a call answered twice',
    messages: [user(text('go')), assistant(call('a')), user(result('a'), result('a'))],
    error:
      'messages.2.content.1: each tool_use must have a single result. Found multiple `tool_result` blocks with id: a',
  },
  {
    name: 'a call answered twice across merged user messages',
    messages: [user(text('go')), assistant(call('a')), user(result('a')), user(result('a'))],
    error: 'messages.3.content.0: each tool_use must have a single result.',
  },
])('refuses $name', ({ messages, error }) => {
  expect(() => checkToolPairing(messages)).toThrow(error);
});
