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
});

const refusal = (errorCode: string): unknown =>
  expect.objectContaining({ status: 400, details: { error_code: errorCode } });

test('a reply is continued once: not while a continue from it runs, nor after one was kept', () => {
  const threads = new MessageThreads();
  threads.open(create('one'), 100).keep?.(reply('msg_1', 'One.'));
  const first = threads.open(next('msg_1', 'two'), 10);
  expect(() => threads.open(next('msg_1', 'other'), 10)).toThrow(
    refusal('thread_continue_in_flight'),
  );
  first.keep?.(reply('msg_2', 'Two.'));
  first.end?.();
  expect(() => threads.open(next('msg_1', 'other'), 10)).toThrow(
    refusal('thread_already_continued'),
  );
  expect(threads.open(next('msg_2', 'three'), 10).request.messages).toHaveLength(5);
});

test('a continue that kept no reply (failed, or its client left) frees its previous reply', () => {
  const threads = new MessageThreads();
  threads.open(create('one'), 100).keep?.(reply('msg_1', 'One.'));
  threads.open(next('msg_1', 'two'), 10).end?.();
  const retry = threads.open(next('msg_1', 'two'), 10);
  expect(retry.request.messages).toHaveLength(3);
  retry.keep?.(reply('msg_2', 'Two.'));
  expect(() => threads.open(next('msg_1', 'two'), 10)).toThrow(/already continued/);
});

test('a continue with no messages of its own gets the kept conversation', () => {
  const threads = new MessageThreads();
  threads.open(create('one'), 100).keep?.(reply('msg_1', 'One.'));
  expect(threads.open({ ...next('msg_1', ''), messages: [] }, 10).request.messages).toEqual([
    { role: 'user', content: 'one' },
    { role: 'assistant', content: [{ type: 'text', text: 'One.' }] },
  ]);
});

test.each([
  ['a summary: the thread keeps only the block', 'Summary.', 1],
  // The SDK: a null compaction block is a no-op, the conversation is kept as it is.
  ['no summary (a failed compaction): the thread keeps the conversation too', null, 4],
])('a compaction with %s', (_, summary, kept) => {
  const threads = new MessageThreads();
  threads.open(create('one'), 100).keep?.(reply('msg_1', 'One.'));
  const compaction = { type: 'compaction', content: summary, encrypted_content: null };
  threads
    .open({ ...next('msg_1', 'two'), compaction: { type: 'summarize' } }, 10)
    .keep?.({ id: 'msg_2', content: [compaction] } as unknown as Message);
  const messages = threads.open({ ...next('msg_2', ''), messages: [] }, 0).request.messages;
  expect(messages).toHaveLength(kept);
  expect(messages.at(-1)).toEqual({ role: 'assistant', content: [compaction] });
});

test('beyond maxBytes the least recently used threads go; the newest stays', () => {
  const threads = new MessageThreads(400); // each reply adds its JSON: 28 bytes here
  threads.open(create('a'), 100).keep?.(reply('msg_a', 'A'));
  threads.open(create('b'), 100).keep?.(reply('msg_b', 'B'));
  threads.open(next('msg_a', 'again'), 0).end?.(); // msg_a is now the most recently used
  threads.open(create('c'), 150).keep?.(reply('msg_c', 'C'));
  expect(() => threads.open(next('msg_b', 'x'), 0)).toThrow(
    expect.objectContaining({ status: 404, details: { error_code: 'thread_not_found' } }),
  );
  const turn = threads.open(next('msg_a', 'x'), 0);
  expect(turn.request.messages).toHaveLength(3);
  turn.end?.();
  threads.open(create('huge'), 10_000).keep?.(reply('msg_huge', 'H'));
  expect(threads.open(next('msg_huge', 'x'), 0).request.messages).toHaveLength(3);
  expect(() => threads.open(next('msg_c', 'x'), 0)).toThrow(/holds no thread/);
});

test('a continued reply is counted as its mark, not again as the conversation it shares', () => {
  const threads = new MessageThreads(1000);
  threads.open(create('b'), 50).keep?.(reply('msg_b', 'B')); // 78 bytes
  threads.open(create('a'), 300).keep?.(reply('msg_a', 'A')); // 328
  // 328 + 250 + 28 = 606, and msg_a's mark 256: 940 in all, not 1012 (which would evict msg_b).
  threads.open(next('msg_a', 'x'), 250).keep?.(reply('msg_a2', 'A'));
  expect(threads.open(next('msg_b', 'x'), 0).request.messages).toHaveLength(3);
  expect(() => threads.open(next('msg_a', 'x'), 0)).toThrow(refusal('thread_already_continued'));
});
