import type { ModelStreamBatch, ModelStreamPart } from '../../model/model-stream-part.js';
import type { RequestLog } from '../backend.js';
import { OpenAIChunkToParts } from '../../translate/openai-chunk-to-parts.js';
import { parseJson } from '../../util/parse-json.js';
import { completionAsChunk, invalidReply, parseUpstreamChunk } from './parse-upstream-chunk.js';
import { readSseData } from './read-sse-data.js';
import { transportError, type UpstreamResponse } from './upstream-http.js';

/** A chat request's 2xx answer, as sending it (with its retries) ended. */
interface OpenedReply {
  response: UpstreamResponse;
  /** max_tokens was lowered to fit the context: running out of it means the context is full. */
  capped: boolean;
}

interface ReadUpstreamReplyOptions {
  /** The client's: once it is aborted nothing more is read. */
  signal: AbortSignal;
  /** The URL the reply came from, to name the upstream in a transport error. */
  url: string;
  /** Hears of upstream output passed on although it looks wrong. */
  log?: RequestLog | undefined;
}

/** How far a streamed reply got. */
interface StreamProgress {
  /** `data: [DONE]` came: nothing after it belongs to the reply. */
  done: boolean;
  /** A chunk failed (an error chunk, garbage): thrown once the parts before it are passed on. */
  failure?: Error;
}

/**
 * A 2xx chat reply as model parts: a stream read as it arrives, one batch per network read, or
 * a single JSON completion (what non-streaming requests ask for, and what some servers answer
 * even to `stream: true`). Nothing after `[DONE]` belongs to the reply, and a connection that
 * breaks after it, or once the finish and the usage have come, ends the reply rather than
 * failing it: the client has all of it. The body is still read to its end, which keeps the
 * connection for the next request without a drain of its own. A reply Ferry cannot read is the upstream's fault (`invalidReply`), not the network's.
 * Takes the reply while it is still being asked for, so that the caller's iterable is this one
 * generator (one hand-off per read, none for delegating).
 */
export async function* readUpstreamReply(
  opened: Promise<OpenedReply>,
  options: ReadUpstreamReplyOptions,
): AsyncGenerator<ModelStreamBatch> {
  const { response, capped } = await opened;
  const { signal } = options;
  const toParts = new OpenAIChunkToParts(options.log);
  const progress: StreamProgress = { done: false };
  const contentType = String(response.headers['content-type'] ?? '');
  try {
    if (response.statusCode === 204) throw invalidReply('an empty reply (HTTP 204)');
    if (contentType.includes('text/html')) throw invalidReply('an HTML page');
    if (contentType.includes('application/json')) {
      const parts = toParts.push(completionAsChunk(await readJson(response)));
      if (parts.length > 0) yield capFinish(parts, capped);
    } else {
      // One batch per network read, however many chunks it held. By hand, not `for await`,
      // so that nothing of this read stays referenced while the next is awaited (see
      // mapAsyncBatches).
      const reads = readSseData(response.body);
      try {
        for (;;) {
          let read: IteratorResult<string[]> | undefined;
          try {
            read = await reads.next();
          } catch (error) {
            if (progress.done || toParts.whole) break;
            throw error;
          }
          if (read.done === true) break;
          if (signal.aborted) return; // the client left: nothing more is wanted from this read
          let parts: ModelStreamPart[] | undefined = partsOfRead(read.value, toParts, progress);
          read = undefined;
          if (parts.length > 0) yield capFinish(parts, capped);
          parts = undefined;
          if (progress.failure !== undefined) throw progress.failure;
        }
      } finally {
        await reads.return(undefined);
      }
    }
    const rest = toParts.finish();
    if (rest.length > 0) yield rest;
  } catch (error) {
    throw transportError(error, options.url, signal);
  } finally {
    // A body left unread (the client left, a failure) is cut; its connection is not reused.
    if (!response.body.readableEnded && !response.body.destroyed) {
      response.body.on('error', () => undefined); // undici reports the cut; nobody listens now
      response.body.destroy();
    }
  }
}

async function readJson(response: UpstreamResponse): Promise<unknown> {
  const text = await response.body.text();
  const json = parseJson(text);
  if (json !== undefined) return json;
  const status = response.statusCode;
  throw invalidReply(
    text.trim() === '' ? `an empty body (HTTP ${status})` : `not JSON (HTTP ${status})`,
  );
}

/**
 * The parts of one read's chunks, in order (the first chunk's own array when it is alone). A
 * chunk that fails ends the read; the parts before it still go out, then its error.
 */
function partsOfRead(
  chunks: string[],
  toParts: OpenAIChunkToParts,
  progress: StreamProgress,
): ModelStreamPart[] {
  let parts: ModelStreamPart[] | undefined;
  if (progress.done) return [];
  for (const data of chunks) {
    if (data === '[DONE]') {
      progress.done = true;
      break;
    }
    let more: ModelStreamPart[];
    try {
      more = toParts.push(parseUpstreamChunk(data));
    } catch (error) {
      progress.failure = error instanceof Error ? error : new Error(String(error));
      break;
    }
    if (parts === undefined) parts = more;
    else for (const part of more) parts.push(part);
  }
  return parts ?? [];
}

/** Running out of tokens after a cap means the context window was full, not the budget. */
function capFinish(parts: ModelStreamPart[], capped: boolean): ModelStreamPart[] {
  if (!capped) return parts;
  return parts.map((part) =>
    part.type === 'finish' && part.reason === 'max-tokens'
      ? { ...part, reason: 'context-window-exceeded' }
      : part,
  );
}
