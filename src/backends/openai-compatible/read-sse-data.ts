import { StringDecoder } from 'node:string_decoder';
import { createParser } from 'eventsource-parser';
import { mapAsyncBatches } from '../../util/map-async-batches.js';
import { parseJson } from '../../util/parse-json.js';
import { replyError } from './map-upstream-reply-error.js';

/**
 * The `data` fields of an SSE body, batched per network read so the consumer does one await
 * per read rather than per event. The push parser handles events split anywhere across reads,
 * and the decoder characters split across them. An upstream's error told as SSE rather than
 * as a chunk (an `event: error`, or older llama-server's `error:` field, which OpenAI clients
 * ignore) comes as the chunk `{"error": …}`, so that it is reported, not lost.
 */
export function readSseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string[]> {
  // StringDecoder rather than TextDecoder: a quarter of the time per read for the same
  // replacement of bad bytes (TextDecoder's streaming mode was ~1 % of the gateway's CPU on
  // Claude Code streams). Unlike TextDecoder it keeps a leading byte order mark, which the
  // SSE format says to ignore, so that is dropped here.
  const decoder = new StringDecoder('utf8');
  let first = true;
  const decode = (text: string): string => {
    if (!first || text === '') return text;
    first = false;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  };
  let batch: string[] = [];
  const parser = createParser({
    onEvent: (event) => batch.push(event.event === 'error' ? asErrorChunk(event.data) : event.data),
    onError: (problem) => {
      if (problem.type === 'unknown-field' && problem.field === 'error')
        batch.push(asErrorChunk(problem.value ?? ''));
    },
  });
  const take = (): string[] => {
    const ready = batch;
    batch = [];
    return ready;
  };
  return mapAsyncBatches(
    body,
    (bytes) => {
      parser.feed(decode(decoder.write(bytes)));
      return take();
    },
    {
      finish: () => {
        parser.feed(decode(decoder.end()));
        return take();
      },
    },
  );
}

/** An error event's data as a chunk reporting it, whether the data is JSON or text. */
function asErrorChunk(data: string): string {
  const json = parseJson(data);
  if (replyError(json) !== undefined) return data;
  return JSON.stringify({ error: json ?? data });
}
