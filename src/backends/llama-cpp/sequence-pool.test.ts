import { describe, expect, it } from 'vitest';
import { SequencePool } from './sequence-pool.js';

/** A stand-in sequence: the tokens it holds. */
type Cached = { name: string; tokens: number[] };

function commonPrefix(item: Cached, prompt: readonly number[]): number {
  let index = 0;
  while (index < item.tokens.length && item.tokens[index] === prompt[index]) index++;
  return index;
}

function pool(items: Cached[]) {
  return new SequencePool(items, commonPrefix, (item) => item.tokens.length);
}

describe('SequencePool', () => {
  it('lends the free sequence sharing the longest prefix with the prompt', async () => {
    const items = [
      { name: 'a', tokens: [1, 2, 3] },
      { name: 'b', tokens: [1, 2, 3, 4, 5] },
      { name: 'c', tokens: [9] },
    ];
    const lease = await pool(items).acquire([1, 2, 3, 4, 5, 6], new AbortController().signal);
    expect(lease.item.name).toBe('b');
  });

  it('among equals takes the one holding least, sparing a long conversation', async () => {
    const items = [
      { name: 'long', tokens: [7, 7, 7, 7, 7, 7] },
      { name: 'empty', tokens: [] },
      { name: 'short', tokens: [8] },
    ];
    const lease = await pool(items).acquire([1, 2], new AbortController().signal);
    expect(lease.item.name).toBe('empty');
  });

  it('a side request sharing only the template’s first token leaves a conversation’s cache alone', async () => {
    const conversation = { name: 'conversation', tokens: [1, ...Array<number>(300).fill(5)] };
    const items = [conversation, { name: 'empty', tokens: [] }];
    const side = await pool(items).acquire([1, 9, 9], new AbortController().signal);
    expect(side.item.name).toBe('empty');
    // With no empty sequence, the one with least to lose.
    const busy = [conversation, { name: 'short', tokens: [1, 8, 8, 8] }];
    expect((await pool(busy).acquire([1, 9], new AbortController().signal)).item.name).toBe(
      'short',
    );
  });

  it('with no empty sequence, a side request takes the one used longest ago', async () => {
    const older = { name: 'older', tokens: [1, ...Array<number>(400).fill(4)] };
    const recent = { name: 'recent', tokens: [1, ...Array<number>(200).fill(5)] };
    const sequences = pool([recent, older]);
    const signal = new AbortController().signal;
    (await sequences.acquire(older.tokens, signal)).release();
    (await sequences.acquire(recent.tokens, signal)).release();
    // `recent` holds less, but its conversation is the one in progress.
    expect((await sequences.acquire([1, 9], signal)).item.name).toBe('older');
  });

  it('a history edited halfway still reuses its prefix rather than start over', async () => {
    const conversation = { name: 'conversation', tokens: [...Array<number>(100).fill(5), 6, 6] };
    const items = [conversation, { name: 'empty', tokens: [] }];
    const edited = [...Array<number>(60).fill(5), 7];
    const lease = await pool(items).acquire(edited, new AbortController().signal);
    expect(lease.item.name).toBe('conversation');
  });

  it('queues when all are busy and hands over in arrival order', async () => {
    const sequences = pool([{ name: 'only', tokens: [] }]);
    const signal = new AbortController().signal;
    const first = await sequences.acquire([1], signal);
    const order: string[] = [];
    const second = sequences.acquire([2], signal).then((lease) => {
      order.push('second');
      return lease;
    });
    const third = sequences.acquire([3], signal).then((lease) => {
      order.push('third');
      return lease;
    });
    expect(sequences.waiting).toBe(2);
    first.release();
    (await second).release();
    (await third).release();
    expect(order).toEqual(['second', 'third']);
  });

  it('a waiter whose client leaves is dropped from the queue at once', async () => {
    const sequences = pool([{ name: 'only', tokens: [] }]);
    const first = await sequences.acquire([1], new AbortController().signal);
    const leaving = new AbortController();
    const gone = sequences.acquire([2], leaving.signal);
    const staying = sequences.acquire([3], new AbortController().signal);
    leaving.abort();
    await expect(gone).rejects.toThrow(/cancelled/);
    expect(sequences.waiting).toBe(1);
    first.release();
    expect((await staying).item.name).toBe('only');
  });

  it('releasing twice does not lend the same sequence twice', async () => {
    const sequences = pool([{ name: 'only', tokens: [] }]);
    const lease = await sequences.acquire([1], new AbortController().signal);
    lease.release();
    lease.release();
    await sequences.acquire([1], new AbortController().signal);
    expect(sequences.waiting).toBe(0);
    const pending = sequences.acquire([1], new AbortController().signal);
    expect(sequences.waiting).toBe(1);
    void pending;
  });
});
