import type { ServerResponse } from 'node:http';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { ApiError, toApiError } from '../protocol/api-error.js';
import { encodeSseError, encodeSseEvent } from '../protocol/encode-sse-event.js';

export interface WriteSseOptions {
  /** Milliseconds of silence before a `ping` event. */
  pingIntervalMs: number;
  /** Sent as the `request-id` header and named in a mid-stream `error` event. */
  requestId: string;
  /** Headers hooks set on the reply before the stream took it over (CORS). */
  headers?: Readonly<Record<string, string | number | string[] | undefined>>;
  /** Where the stream registers its `interrupt` while it runs (see FerryAppOptions). */
  openStreams?: Set<() => void> | undefined;
  /** Called when the stream was interrupted: the model's work for it must stop too. */
  onInterrupt?: () => void;
  /**
   * Given the error a stream ends with as its last event (a failure or a shutdown): its status
   * went out as 200, so this is how metrics and the request's log line learn of it.
   */
  onError?: (error: ApiError) => void;
  logger: { warn(details: object, message: string): void };
}

/**
 * Writes an event stream whose first batch is already in hand (headers are committed only once
 * the model produced something). Pull-based: the next batch is requested only after the socket
 * took the previous one, so a slow client slows the upstream instead of filling memory. Writes
 * of one event-loop turn go out as one. A failure after the first byte ends the
 * stream with an `error` event, never a fake `message_stop`.
 */
export async function writeSse(
  res: ServerResponse,
  first: RawMessageStreamEvent[],
  rest: AsyncIterator<RawMessageStreamEvent[]>,
  options: WriteSseOptions,
): Promise<void> {
  res.writeHead(200, {
    ...options.headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
    'request-id': options.requestId,
  });
  const writer = new SseWriter(res, options.pingIntervalMs);
  const interrupt = (): void => {
    if (writer.closed) return;
    const shutdown = new ApiError(
      'overloaded_error',
      'Ferry is shutting down; the reply was cut off, retry the request',
    );
    options.onError?.(shutdown);
    writer.writeRaw(encodeSseError(shutdown.withRequestId(options.requestId)), true);
    writer.end();
    options.onInterrupt?.();
  };
  options.openStreams?.add(interrupt);
  try {
    writer.write(first);
    first.length = 0; // a stream suspended for minutes must not keep its message_start alive
    for (;;) {
      if (writer.mustWait() && !(await writer.drained())) return; // the client went away
      let next: IteratorResult<RawMessageStreamEvent[]> | undefined = await rest.next();
      if (next.done === true) break;
      writer.write(next.value);
      next = undefined; // nor the last batch while the next is awaited (see mapAsyncBatches)
    }
  } catch (error) {
    if (!writer.closed) {
      const apiError = toApiError(error).withRequestId(options.requestId);
      options.logger.warn(
        { err: error },
        `stream failed after its first byte: ${apiError.message}`,
      );
      options.onError?.(apiError);
      writer.writeRaw(encodeSseError(apiError));
    }
  } finally {
    options.openStreams?.delete(interrupt);
    writer.end();
  }
}

/**
 * Shortest time between two socket writes of one stream: about one display frame, so text a
 * user watches arrives as smoothly as it can be shown. From 4 ms, the embedded engine's
 * tokens/s through Ferry rose 2–3 % (paired rounds, both benchmark models): fewer syscalls and
 * client wake-ups on the cores the engine shares.
 */
export const coalesceMs = 16;

class SseWriter {
  private lastWrite = Date.now();
  private lastFlush = -Infinity;
  private readonly timer: NodeJS.Timeout;
  private pending = '';
  private flushTimer: NodeJS.Timeout | undefined;
  /**
   * Whether content was written yet: the first content event (a block's start, e.g. a tool
   * call's name, or its first delta) skips the coalescing wait.
   */
  private contentSent = false;
  private socketClosed = false;

  constructor(
    private readonly res: ServerResponse,
    pingIntervalMs: number,
  ) {
    res.once('close', () => (this.socketClosed = true));
    this.timer = setInterval(
      () => this.pingIfSilent(pingIntervalMs),
      Math.max(50, pingIntervalMs / 2),
    );
    this.timer.unref();
  }

  /** The client left, or the stream was ended (interrupted at shutdown): nothing more goes out. */
  get closed(): boolean {
    return this.socketClosed || this.res.writableEnded;
  }

  write(events: RawMessageStreamEvent[]): void {
    let text = '';
    let firstContent = false;
    for (const event of events) {
      text += encodeSseEvent(event);
      if (!this.contentSent && isContent(event)) firstContent = true;
    }
    if (firstContent) this.contentSent = true;
    if (text !== '') this.writeRaw(text, firstContent);
  }

  /**
   * Buffers text and writes it once per event-loop turn: the parts of one upstream read become
   * one socket write instead of one per event. Writes are also at least `coalesceMs` apart: a
   * fast engine producing a token every few hundred microseconds then costs one syscall per
   * few tokens, while the first event, the first content (time to first token is what a user
   * feels) and every event of a model slower than that still go out at once.
   */
  writeRaw(text: string, urgent = false): void {
    if (this.closed) return;
    if (this.pending === '' || (urgent && this.flushTimer !== undefined)) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      const wait = urgent ? 0 : this.lastFlush + coalesceMs - performance.now();
      if (wait <= 0) setImmediate(this.flush);
      else this.flushTimer = setTimeout(this.flush, wait);
    }
    this.pending += text;
    this.lastWrite = Date.now();
  }

  readonly flush = (): void => {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending === '' || this.closed) return;
    const text = this.pending;
    this.pending = '';
    this.lastFlush = performance.now();
    this.res.write(text);
  };

  /** Whether the next batch must wait: the socket's buffer is full, or the client left. */
  mustWait(): boolean {
    return this.closed || this.res.writableNeedDrain;
  }

  /** Resolves true once the socket can take more, false if the client disconnected. */
  drained(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (!this.res.writableNeedDrain) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (drained: boolean) => () => {
        this.res.off('drain', onDrain);
        this.res.off('close', onClose);
        resolve(drained);
      };
      const onDrain = done(true);
      const onClose = done(false);
      this.res.once('drain', onDrain);
      this.res.once('close', onClose);
    });
  }

  /** Ends the response with what is still pending: one socket write instead of two. */
  end(): void {
    clearInterval(this.timer);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.closed) return;
    const text = this.pending;
    this.pending = '';
    this.res.end(text);
  }

  private pingIfSilent(intervalMs: number): void {
    if (Date.now() - this.lastWrite >= intervalMs) this.writeRaw(encodeSseEvent({ type: 'ping' }));
  }
}

function isContent(event: RawMessageStreamEvent): boolean {
  return event.type === 'content_block_start' || event.type === 'content_block_delta';
}
