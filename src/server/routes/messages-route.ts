import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MessageAccumulator } from '../../protocol/accumulate-message.js';
import { ApiError } from '../../protocol/api-error.js';
import {
  messagesRequestSchema,
  type MessagesRequest,
} from '../../protocol/messages-request-schema.js';
import { checkThinkingBudget } from '../../protocol/check-request-rules.js';
import { parseWithKnownTools } from '../../protocol/parse-messages-request.js';
import type { ModelRequest } from '../../model/model-request.js';
import { buildModelRequest } from '../../translate/build-model-request.js';
import { compactionRequest } from '../../translate/compaction-request.js';
import { hidesThinking } from '../../translate/map-thinking-options.js';
import { abortOnDisconnect } from '../abort-on-disconnect.js';
import type { FerryAppOptions } from '../app-options.js';
import type { ThreadTurn } from '../message-threads.js';
import { resolveServedModel } from '../resolve-served-model.js';
import { sessionKey } from '../session-key.js';
import { streamMessageEvents, type MessageEvents } from '../stream-message-events.js';
import { writeSse } from '../write-sse.js';
import { optionalField } from '../../util/optional-field.js';

/** POST /v1/messages (also with `?beta=true`): streaming and not, from one event path. */
export function registerMessagesRoute(app: FastifyInstance, options: FerryAppOptions): void {
  let safeguardsTold = false;
  const noteSafeguards = (request: FastifyRequest, asked: readonly unknown[]): void => {
    if (safeguardsTold || asked.length === 0) return;
    safeguardsTold = true;
    request.log.info(
      { safeguards: asked.map((item) => (item as { type?: unknown } | null)?.type) },
      'the client asked for server-side safeguards (Claude Code: auto mode); Ferry runs none, so the client checks or asks for approval itself',
    );
  };
  app.post('/v1/messages', async (request, reply) => {
    const abort = abortOnDisconnect(reply);
    // Until a stream opens (it then has its own), a shutdown whose grace ran out stops the
    // model's work and answers 529 overloaded, which clients retry, instead of a cut socket.
    const interrupt = (): void => {
      if (!reply.raw.headersSent) abort.abort(shuttingDown());
    };
    options.openStreams?.add(interrupt);
    try {
      const { events, stream, end } = await openMessage(
        request,
        options,
        abort.signal,
        noteSafeguards,
      );
      try {
        if (stream) await sendStream(request, reply, events, options, abort);
        else await sendMessage(reply, events);
      } finally {
        end?.();
        await events.return(undefined);
      }
    } catch (error) {
      const reason: unknown = abort.signal.reason;
      throw abort.signal.aborted && reason instanceof ApiError ? reason : error;
    } finally {
      options.openStreams?.delete(interrupt);
    }
  });
}

function shuttingDown(): ApiError {
  return new ApiError('overloaded_error', 'Ferry is shutting down; retry the request');
}

/**
 * Validates and translates the request and starts the backend. Kept apart from the route so
 * that none of the request's trees (the parsed body, its validated copy, the upstream request)
 * outlive this call: a stream can last minutes, and under load these are most of the heap.
 */
async function openMessage(
  request: FastifyRequest,
  options: FerryAppOptions,
  signal: AbortSignal,
  noteSafeguards: (request: FastifyRequest, asked: readonly unknown[]) => void,
): Promise<{ events: MessageEvents; stream: boolean; end?: () => void }> {
  const started = performance.now();
  const sent = parseWithKnownTools(messagesRequestSchema, request.body, options.toolCache);
  request.body = undefined;
  if (sent.safeguards != null) noteSafeguards(request, sent.safeguards);
  const turn = options.threads?.open(sent, request.bodyBytes) ?? { request: sent };
  try {
    const opened = await startMessage(request, options, signal, turn, started);
    return { ...opened, ...optionalField('end', turn.end) };
  } catch (error) {
    turn.end?.(); // a continue that never ran leaves its previous reply free again
    throw error;
  }
}

/** The backend started on the request as the model is to see it (a thread's in front). */
async function startMessage(
  request: FastifyRequest,
  options: FerryAppOptions,
  signal: AbortSignal,
  turn: ThreadTurn,
  started: number,
): Promise<{ events: MessageEvents; stream: boolean }> {
  const compacting = turn.request.compaction != null;
  const body = compacting ? compactionRequest(turn.request) : turn.request;
  checkThinkingBudget(body, request.headers['anthropic-beta']);
  const model = await resolveServedModel(
    options.backend,
    body.model,
    options.aliases ?? {},
    signal,
  );
  let modelRequest: ModelRequest;
  try {
    modelRequest = buildModelRequest(body, {
      model,
      ...optionalField('sessionKey', sessionKey(request.headers, body.metadata?.user_id)),
      toolCache: options.toolCache,
    });
  } catch (error) {
    throw turn.renumber?.(error) ?? error;
  }
  const rawParts = options.backend.streamChat(modelRequest, signal, request.log);
  const parts = options.parseParts ? options.parseParts(rawParts, modelRequest) : rawParts;
  const oneToolCall = modelRequest.chat.parallel_tool_calls === false;
  // Only a reply Ferry may stop early keeps the request, to count its prompt if need be.
  const mayStopEarly = oneToolCall || modelRequest.stopSequences.length > 0;
  const events = streamMessageEvents(parts, {
    model: body.model,
    omitThinking: omitsThinking(body),
    dropThinking: hidesThinking(body.thinking),
    promptOnly: body.max_tokens === 0,
    stopSequences: modelRequest.stopSequences,
    oneToolCall,
    toolsAllowed:
      (modelRequest.chat.tools?.length ?? 0) > 0 && modelRequest.chat.tool_choice !== 'none',
    onToolCallDropped: (tool) =>
      request.log.warn(
        { tool },
        'the engine returned a tool call the request did not allow; left out',
      ),
    onFirstPart: () => options.metrics?.recordFirstEvent((performance.now() - started) / 1000),
    onUsage: (usage) => options.metrics?.recordUsage(usage),
    onToolInputProblem: (details) => request.log.warn(details, 'tool call arguments repaired'),
    ...(mayStopEarly ? { countInputTokens: promptCounter(options, modelRequest, signal) } : {}),
    // A threaded turn keeps its conversation until the reply ends: the thread is made of it.
    ...optionalField('onMessage', turn.keep),
    ...(compacting ? { asCompaction: true } : {}),
  });
  return { events, stream: body.stream === true };
}

/**
 * A closure of its own, so that only it holds the request: a closure made in `openMessage`
 * would share that function's scope with the other callbacks, and all of them would keep it.
 */
function promptCounter(
  options: FerryAppOptions,
  modelRequest: ModelRequest,
  signal: AbortSignal,
): () => Promise<number> {
  return async () => (await options.backend.countTokens(modelRequest, signal)).inputTokens;
}

async function sendStream(
  request: FastifyRequest,
  reply: FastifyReply,
  events: MessageEvents,
  options: FerryAppOptions,
  abort: AbortController,
): Promise<void> {
  // Errors before the first part answer as JSON. A model silent for as long as a ping's
  // interval (a long prompt, a queue) gets its stream opened anyway, so that clients and
  // proxies see message_start and pings rather than a silent connection they may time out.
  const pingIntervalMs = options.pingIntervalMs ?? 10_000;
  const pending = events.next();
  const first = await withinMs(pending, pingIntervalMs);
  reply.hijack();
  options.metrics?.activeStreams.inc();
  const requestId = String(request.id);
  try {
    await writeSse(
      reply.raw,
      first === undefined ? events.start() : first.done === true ? [] : first.value,
      first === undefined ? resumeWith(pending, events) : events,
      {
        pingIntervalMs,
        requestId,
        headers: reply.getHeaders(),
        logger: request.log,
        openStreams: options.openStreams,
        onInterrupt: () => abort.abort(),
        onError: (error) => {
          request.streamError = error.type;
          options.metrics?.recordStreamError(error.type);
        },
      },
    );
  } finally {
    options.metrics?.activeStreams.dec();
  }
}

/** The promise's value if it settles within `ms`, else undefined (a rejection is thrown). */
async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** An iterator whose first `next()` is one already asked for. */
function resumeWith<T>(
  pending: Promise<IteratorResult<T>>,
  rest: AsyncIterator<T>,
): AsyncIterator<T> {
  let first: Promise<IteratorResult<T>> | undefined = pending;
  return {
    next: () => {
      const next = first ?? rest.next();
      first = undefined;
      return next;
    },
  };
}

async function sendMessage(reply: FastifyReply, events: MessageEvents): Promise<void> {
  const accumulator = new MessageAccumulator();
  for await (const batch of events) for (const event of batch) accumulator.push(event);
  await reply.send(accumulator.result());
}

function omitsThinking(body: MessagesRequest): boolean {
  const thinking = body.thinking;
  return (
    (thinking?.type === 'enabled' || thinking?.type === 'adaptive') &&
    thinking.display === 'omitted'
  );
}
