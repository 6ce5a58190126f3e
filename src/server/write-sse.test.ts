import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ApiError } from '../protocol/api-error.js';
import { coalesceMs, writeSse } from './write-sse.js';

/** Just enough of a ServerResponse to record what was written and when. */
class RecordingResponse extends EventEmitter {
  readonly writes: { at: number; text: string }[] = [];
  writableNeedDrain = false;
  writeHead(): this {
    return this;
  }
  write(text: string): boolean {
    this.writes.push({ at: performance.now(), text });
    return true;
  }
  /** Like ServerResponse: a final chunk is written before the end. */
  end(text?: string): void {
    if (text) this.write(text);
    this.emit('close');
  }
}

const start = {
  type: 'message_start',
  message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], model: 'm' },
} as unknown as RawMessageStreamEvent;
const delta = (text: string): RawMessageStreamEvent => ({
  type: 'content_block_delta',
  index: 0,
  delta: { type: 'text_delta', text },
});

/** Batches handed over one at a time by the test. */
function channel(): {
  events: AsyncIterator<RawMessageStreamEvent[]>;
  send: (batch: RawMessageStreamEvent[] | 'end') => void;
} {
  const queue: (RawMessageStreamEvent[] | 'end')[] = [];
  let wake: (() => void) | undefined;
  const events = (async function* () {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const batch = queue.shift()!;
      if (batch === 'end') return;
      yield batch;
    }
  })();
  return {
    events,
    send: (batch) => {
      queue.push(batch);
      wake?.();
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

/** writeSse on fake timers, after `message_start` went out; `end` closes the stream. */
async function startWriter(): Promise<{
  texts: () => string[];
  send: (batch: RawMessageStreamEvent[] | 'end') => void;
  end: () => Promise<void>;
}> {
  vi.useFakeTimers();
  const res = new RecordingResponse();
  const { events, send } = channel();
  const done = writeSse(res as unknown as ServerResponse, [start], events, {
    pingIntervalMs: 10_000,
    requestId: 'req_test',
    logger: { warn: () => undefined },
  });
  await vi.advanceTimersByTimeAsync(0);
  return {
    texts: () => res.writes.map((write) => write.text),
    send,
    end: async () => {
      send([{ type: 'message_stop' }]);
      send('end');
      await vi.advanceTimersByTimeAsync(10);
      await done;
    },
  };
}

test('the first content delta is written at once; later ones wait for the coalescing window', async () => {
  const { texts, send, end } = await startWriter();
  expect(texts()).toHaveLength(1);
  expect(texts()[0]).toContain('message_start');

  send([delta('a')]); // within the window after message_start, yet not held back
  await vi.advanceTimersByTimeAsync(1);
  expect(texts()).toHaveLength(2);
  expect(texts()[1]).toContain('"text":"a"');

  send([delta('b')]);
  send([delta('c')]);
  await vi.advanceTimersByTimeAsync(1);
  expect(texts()).toHaveLength(2); // b and c wait for the window...
  await vi.advanceTimersByTimeAsync(coalesceMs - 4);
  expect(texts()).toHaveLength(2);
  await vi.advanceTimersByTimeAsync(4);
  expect(texts()).toHaveLength(3); // ...and go out together
  expect(texts()[2]).toMatch(/"text":"b"[\s\S]*"text":"c"/);

  await end();
  expect(texts().at(-1)).toContain('message_stop');
});

test("a tool call's block start is first content too: written at once, not held for the window", async () => {
  const { texts, send, end } = await startWriter();
  send([
    {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'tool_use', id: 'toolu_1', name: 'Write', input: {} },
    } as RawMessageStreamEvent,
  ]);
  await vi.advanceTimersByTimeAsync(1); // within the window after message_start
  expect(texts()).toHaveLength(2);
  expect(texts()[1]).toContain('"name":"Write"');
  await end();
});

describe('a stream that ends with an error event tells onError its type', () => {
  test.each([
    ['an upstream failure', new ApiError('timeout_error', 'idle'), 'timeout_error'],
    ['an unexpected throw', new Error('boom'), 'api_error'],
  ])('%s', async (_name, thrown, type) => {
    const res = new RecordingResponse();
    const errors: string[] = [];
    const failing: AsyncIterator<RawMessageStreamEvent[]> = {
      next: () => Promise.reject(thrown),
    };
    await writeSse(res as unknown as ServerResponse, [start], failing, {
      pingIntervalMs: 10_000,
      requestId: 'req_test',
      logger: { warn: () => undefined },
      onError: (error) => errors.push(error.type),
    });
    expect(errors).toEqual([type]);
    expect(res.writes.map((write) => write.text).join('')).toContain(`"type":"${type}"`);
  });

  test('a shutdown that interrupts it', async () => {
    const res = new RecordingResponse();
    const errors: string[] = [];
    const openStreams = new Set<() => void>();
    const { events, send } = channel();
    const done = writeSse(res as unknown as ServerResponse, [start], events, {
      pingIntervalMs: 10_000,
      requestId: 'req_test',
      logger: { warn: () => undefined },
      openStreams,
      onError: (error) => errors.push(error.type),
    });
    for (const interrupt of openStreams) interrupt();
    send('end');
    await done;
    expect(errors).toEqual(['overloaded_error']);
  });

  test('not a stream that ends well, nor one whose client left before it failed', async () => {
    const errors: string[] = [];
    const options = {
      pingIntervalMs: 10_000,
      requestId: 'req_test',
      logger: { warn: () => undefined },
      onError: (error: ApiError) => errors.push(error.type),
    };
    const whole = new RecordingResponse();
    const { events, send } = channel();
    send([{ type: 'message_stop' }]);
    send('end');
    await writeSse(whole as unknown as ServerResponse, [start], events, options);
    const left = new RecordingResponse();
    const failsOnceLeft: AsyncIterator<RawMessageStreamEvent[]> = {
      next: () => {
        left.emit('close');
        return Promise.reject(new Error('aborted'));
      },
    };
    await writeSse(left as unknown as ServerResponse, [start], failsOnceLeft, options);
    expect(whole.writes.at(-1)?.text).toContain('message_stop');
    expect(errors).toEqual([]);
  });
});
