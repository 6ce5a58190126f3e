import type { Message } from '@anthropic-ai/sdk/resources/messages';
import { expect, test } from 'vitest';
import type { MessagesRequest } from '../protocol/messages-request-schema.js';
import { MessageThreads } from './message-threads.js';

const reply = (id: string, text: string): Message =>
  ({ id, content: [{ type: 'text', text, citations: null }] }) as unknown as Message;
const create = (text: string): MessagesRequest => ({
  model: 'm',
  max_tokens: 10,
  messages: [{ role: 'user', content: text }],
  thread: { type: 'create' },
});
const next = (id: string, text: string): MessagesRequest => ({
  model: 'm',
  max_tokens: 10,
  messages: [{ role: 'user', content: text }],
  thread: { type: 'continue', previous_message_id: id },
});

test('a request outside a thread passes as it is, with nothing to keep', () => {
  const body: MessagesRequest = { model: 'm', max_tokens: 1, messages: [] };
  expect(new MessageThreads().open(body, 10)).toEqual({ request: body });
});

test('a continue gets the kept system, tools and messages in front of its own', () => {
  const threads = new MessageThreads();
  const tools = [{ name: 'add', input_schema: { type: 'object' } }];
  threads.open({ ...create('one'), system: 'S', tools }, 100).keep?.(reply('msg_1', 'One.'));
  const turn = threads.open(next('msg_1', 'two'), 50);
  expect(turn.request).toMatchObject({
    system: 'S',
    tools,
    messages: [
      { role: 'user', content: 'one' },
      { role: 'assistant', content: [{ type: 'text', text: 'One.' }] },
      { role: 'user', content: 'two' },
    ],
  });
  turn.keep?.(reply('msg_2', 'Two.'));
  expect(threads.open(next('msg_2', 'three'), 10).request.messages).toHaveLength(5);
  // Branching from an earlier reply is allowed: it is still held.
  expect(threads.open(next('msg_1', 'other'), 10).request.messages).toHaveLength(3);
});

test('beyond maxBytes the least recently used threads go; the newest stays', () => {
  const threads = new MessageThreads(400); // each reply adds its JSON: ~26 bytes here
  threads.open(create('a'), 100).keep?.(reply('msg_a', 'A'));
  threads.open(create('b'), 100).keep?.(reply('msg_b', 'B'));
  threads.open(next('msg_a', 'again'), 0); // msg_a is now the most recently used
  threads.open(create('c'), 150).keep?.(reply('msg_c', 'C'));
  expect(() => threads.open(next('msg_b', 'x'), 0)).toThrow(
    expect.objectContaining({ status: 404, details: { error_code: 'thread_not_found' } }),
  );
  expect(threads.open(next('msg_a', 'x'), 0).request.messages).toHaveLength(3);
  threads.open(create('huge'), 10_000).keep?.(reply('msg_huge', 'H'));
  expect(threads.open(next('msg_huge', 'x'), 0).request.messages).toHaveLength(3);
  expect(() => threads.open(next('msg_c', 'x'), 0)).toThrow(/holds no thread/);
});
