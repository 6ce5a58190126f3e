import { createParser } from 'eventsource-parser';

/**
 * The `data` fields of an SSE body, batched per network read so the consumer does one await
 * per read rather than per event. The push parser handles events split anywhere across reads.
 *
 * Iterated by hand rather than with `for await`: a suspended generator keeps every variable of
 * its frame alive, so the loop binding would hold the previous read (and the slab its bytes sit
 * in) through every garbage collection while the next one is awaited, for each open stream.
 */
export async function* readSseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string[]> {
  const decoder = new TextDecoder();
  let batch: string[] = [];
  const parser = createParser({ onEvent: (event) => batch.push(event.data) });
  const reads = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      let read: IteratorResult<Uint8Array> | undefined = await reads.next();
      if (read.done === true) break;
      parser.feed(decoder.decode(read.value, { stream: true }));
      read = undefined;
      if (batch.length === 0) continue;
      let ready: string[] | undefined = batch;
      batch = [];
      yield ready;
      ready = undefined;
    }
  } finally {
    await reads.return?.();
  }
  parser.feed(decoder.decode());
  if (batch.length > 0) yield batch;
}
