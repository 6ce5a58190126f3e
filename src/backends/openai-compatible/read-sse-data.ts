import { createParser } from 'eventsource-parser';
import { mapAsyncBatches } from '../../util/map-async-batches.js';

/**
 * The `data` fields of an SSE body, batched per network read so the consumer does one await
 * per read rather than per event. The push parser handles events split anywhere across reads.
 */
export function readSseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string[]> {
  const decoder = new TextDecoder();
  let batch: string[] = [];
  const parser = createParser({ onEvent: (event) => batch.push(event.data) });
  const take = (): string[] => {
    const ready = batch;
    batch = [];
    return ready;
  };
  return mapAsyncBatches(
    body,
    (bytes) => {
      parser.feed(decoder.decode(bytes, { stream: true }));
      return take();
    },
    {
      finish: () => {
        parser.feed(decoder.decode());
        return take();
      },
    },
  );
}
