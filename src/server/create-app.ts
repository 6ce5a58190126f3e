import type { Readable } from 'node:stream';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { ApiError, type ApiErrorType } from '../protocol/api-error.js';
import { FerryMetrics } from '../observability/metrics.js';
import { createId } from '../protocol/create-ids.js';
import { ToolConversionCache } from '../translate/tool-conversion-cache.js';
import type { FerryAppOptions } from './app-options.js';
import { allowCors } from './allow-cors.js';
import { MessageThreads } from './message-threads.js';
import { createApiKeyCheck } from './check-api-key.js';
import { answerClientError } from './answer-client-error.js';
import { decodeBodyText } from './decode-body-text.js';
import { decodeRequestBody } from './decode-request-body.js';
import { readBodyBytes } from './read-body-bytes.js';
import { renderError } from './render-error.js';
import { unservedRequestError } from './unserved-request-error.js';
import { registerCountTokensRoute } from './routes/count-tokens-route.js';
import { probePaths, registerHealthRoute } from './routes/health-route.js';
import { registerMessagesRoute } from './routes/messages-route.js';
import { registerModelsRoute } from './routes/models-route.js';
import { optionalField } from '../util/optional-field.js';

/** The status logged and counted for a reply its client left before the end (nginx's 499). */
const clientClosed = 499;

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The type of the SSE `error` event a stream ended with, set by the messages route: such a
     * request is counted and logged as the 200 it was sent as, and this says it failed.
     */
    streamError: ApiErrorType | undefined;
    /**
     * The body's length once decoded (a gzip body as the JSON it holds), set by the JSON
     * parser; 0 without one. A message thread is counted at it.
     */
    bodyBytes: number;
  }
}

/**
 * The HTTP front door. Every error leaves through one renderer as Anthropic's error shape, with
 * a `request-id` header on every response.
 */
export function createApp(appOptions: FerryAppOptions): FastifyInstance {
  const options = {
    ...appOptions,
    metrics: appOptions.metrics ?? new FerryMetrics(),
    toolCache: appOptions.toolCache ?? new ToolConversionCache(),
    threads: appOptions.threads ?? new MessageThreads(),
  };
  const engineLoad = options.backend.engineLoad?.bind(options.backend);
  if (engineLoad !== undefined) options.metrics.watchEngine(engineLoad);
  const maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;
  const app = Fastify({
    http: { maxHeaderSize: options.maxHeaderBytes ?? 32 * 1024 },
    clientErrorHandler: (error, socket) => {
      const status = answerClientError(error, socket, (details, message) =>
        options.logger.info(details, message),
      );
      if (status !== undefined) options.metrics.recordRefusedRequest(status);
    },
    // A URL Fastify cannot decode never reaches the routes or setErrorHandler.
    frameworkErrors: (error, request, reply) => {
      const apiError = renderError(error, maxBodyBytes).withRequestId(request.id);
      const plain = reply as unknown as FastifyReply; // its generics are the route's, unknown here
      void plain.status(apiError.status).header('request-id', request.id).send(apiError.toJSON());
    },
    loggerInstance: options.logger,
    // One line per request comes from the onResponse hook below, with the fields we want.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: maxBodyBytes,
    genReqId: () => createId('req'),
    requestIdHeader: false,
    return503OnClosing: true,
    // Requests are validated with zod and replies built by hand: no route has a Fastify schema,
    // so Fastify's default compilers (ajv, fast-json-stringify: ~100 modules) need not load.
    schemaController: {
      compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas },
    },
  }) as unknown as FastifyInstance;
  app.decorateRequest('streamError', undefined);
  app.decorateRequest('bodyBytes', 0);
  registerJsonParser(app, options.toolCache, maxBodyBytes);
  registerHooks(app, options);
  if ((options.corsOrigins?.length ?? 0) > 0) allowCors(app, options.corsOrigins ?? []);
  registerErrorHandlers(app, maxBodyBytes);
  registerHealthRoute(app, options.backendIdentity);
  registerMessagesRoute(app, options);
  registerCountTokensRoute(app, options);
  registerModelsRoute(app, options);
  app.get('/metrics', async (_request, reply) => {
    void reply.header('content-type', options.metrics.registry.contentType);
    return options.metrics.registry.metrics();
  });
  return app;
}

function noSchemas(): never {
  throw new Error('Fastify route schemas are not used in Ferry (requests are validated with zod)');
}

/**
 * Plain JSON.parse (the body is validated by zod right after); a syntax error is a 400. The body
 * is read as bytes, so that bytes which are not UTF-8 are refused rather than replaced (see
 * decodeBodyText), by a reader that does not copy a body that came in one chunk. Its length,
 * decoded, is `request.bodyBytes`: `content-length` counts a coded body as sent, and a chunked
 * one not at all.
 */
function registerJsonParser(
  app: FastifyInstance,
  toolCache: ToolConversionCache,
  maxBodyBytes: number,
): void {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(
    'application/json',
    async (request: FastifyRequest, payload: Readable) => {
      const body = decodeRequestBody(payload, request.headers, maxBodyBytes);
      const bytes = await readBodyBytes(body, request.headers['content-length'], maxBodyBytes);
      request.bodyBytes = bytes.length;
      const text = decodeBodyText(bytes);
      try {
        return toolCache.parseBody(text);
      } catch (error) {
        const reason = error instanceof Error ? error.message : 'syntax error';
        throw new ApiError('invalid_request_error', `Request body is not valid JSON: ${reason}`);
      }
    },
  );
}

function registerHooks(
  app: FastifyInstance,
  options: FerryAppOptions & { metrics: FerryMetrics },
): void {
  const checkKey = options.apiKey === undefined ? undefined : createApiKeyCheck(options.apiKey);
  const probes = new Set<string>(probePaths);
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('request-id', request.id);
    // Fastify's onResponse runs only for replies written to the end.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) logRequest(request, reply, clientClosed);
    });
  });
  // After onRequest, where CORS headers are set (a browser must be able to read a 401), and
  // before the body is read: a request no route serves is refused before its body is parsed
  // (a PUT with a bad JSON body is a 405, not a 400). A coded body is decoded only where it is
  // parsed (the JSON parser): one nobody reads is never inflated.
  app.addHook('preParsing', (request, _reply, payload, done) => {
    try {
      if (checkKey !== undefined && request.method !== 'OPTIONS' && !probes.has(pathOf(request)))
        checkKey(request.headers);
      if (request.is404) throw unserved(request);
    } catch (error) {
      done(error as Error);
      return;
    }
    done(null, payload);
  });
  app.addHook('onResponse', async (request, reply) => logRequest(request, reply));

  /** One log line and one count per request; `status` for a reply the client cut short. */
  function logRequest(request: FastifyRequest, reply: FastifyReply, status?: number): void {
    const route = request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
    options.metrics.recordRequest(route, status ?? reply.statusCode, reply.elapsedTime / 1000);
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: status ?? reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        ...optionalField('streamError', request.streamError),
      },
      status === clientClosed
        ? `request cut short: the client closed the connection ${disconnectStage(request, reply)}`
        : 'request',
    );
  }
}

/** Where a request stood when its client closed the connection. */
function disconnectStage(request: FastifyRequest, reply: FastifyReply): string {
  if (!request.raw.complete) return 'while sending the request body';
  return reply.raw.headersSent ? 'mid-reply' : 'before the reply began';
}

function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '';
}

function unserved(request: FastifyRequest): ApiError {
  return unservedRequestError({
    method: request.method,
    path: pathOf(request),
    origin: request.headers.origin,
    requestId: request.id,
  });
}

function registerErrorHandlers(app: FastifyInstance, maxBodyBytes: number): void {
  app.setErrorHandler(async (error, request, reply) => {
    const apiError = renderError(error, maxBodyBytes).withRequestId(request.id);
    // A client that left (e.g. while queued for the embedded engine) is no server fault, and
    // the error is most likely the cancellation its leaving caused: the request's own line
    // (status 499) says so.
    if (request.raw.socket?.destroyed === true)
      request.log.debug(
        { err: error },
        `reply abandoned: the client closed the connection ${disconnectStage(request, reply)}`,
      );
    else if (apiError.status >= 500) request.log.error({ err: error }, apiError.message);
    else request.log.debug(apiError.message);
    return reply.status(apiError.status).headers(apiError.headers).send(apiError.toJSON());
  });
  // The preParsing hook answers these first; this serves what never reaches it.
  app.setNotFoundHandler(async (request, reply) => {
    const error = unserved(request);
    return reply.status(error.status).headers(error.headers).send(error.toJSON());
  });
}
