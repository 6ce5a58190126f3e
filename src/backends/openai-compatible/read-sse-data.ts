import { createParser } from 'eventsource-parser';

/**
 * The `data` fields of an SSE body, batched per network read so the consumer does one await
 * per read rather than per event. The push parser handles events split anywhere across reads.
 */
export async function* readSseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string[]> {
  const decoder = new TextDecoder();
  let batch: string[] = [];
  const parser = createParser({ onEvent: (event) => batch.push(event.data) });
  for await (const bytes of body) {
    parser.feed(decoder.decode(bytes, { stream: true }));
    if (batch.length === 0) continue;
    const ready = batch;
    batch = [];
    yield ready;
  }
  parser.feed(decoder.decode());
  if (batch.length > 0) yield batch;
}
