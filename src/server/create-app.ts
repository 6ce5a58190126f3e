import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { ApiError } from '../protocol/api-error.js';
import { FerryMetrics } from '../observability/metrics.js';
import { createId } from '../protocol/create-ids.js';
import { ToolConversionCache } from '../translate/tool-conversion-cache.js';
import type { FerryAppOptions } from './app-options.js';
import { allowCors, crossOriginRefusal } from './allow-cors.js';
import { MessageThreads } from './message-threads.js';
import { createApiKeyCheck } from './check-api-key.js';
import { answerClientError } from './answer-client-error.js';
import { renderError } from './render-error.js';
import { registerCountTokensRoute } from './routes/count-tokens-route.js';
import { probePaths, registerHealthRoute } from './routes/health-route.js';
import { registerMessagesRoute } from './routes/messages-route.js';
import { registerModelsRoute } from './routes/models-route.js';

/** The status logged and counted for a reply its client left before the end (nginx's 499). */
const clientClosed = 499;

const knownPaths = new Set<string>([
  '/v1/messages',
  '/v1/messages/count_tokens',
  '/v1/models',
  ...probePaths,
]);

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
    clientErrorHandler: (error, socket) =>
      answerClientError(error, socket, (details, message) =>
        options.logger.debug(details, message),
      ),
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
  registerJsonParser(app, options.toolCache);
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

/** Plain JSON.parse (the body is validated by zod right after); a syntax error is a 400. */
function registerJsonParser(app: FastifyInstance, toolCache: ToolConversionCache): void {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, toolCache.parseBody(body as string));
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'syntax error';
      done(
        new ApiError('invalid_request_error', `Request body is not valid JSON: ${reason}`),
        undefined,
      );
    }
  });
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
  // before the body is read.
  if (checkKey !== undefined)
    app.addHook('preParsing', (request, _reply, payload, done) => {
      try {
        const path = request.url.split('?')[0] ?? '';
        if (request.method !== 'OPTIONS' && !probes.has(path)) checkKey(request.headers);
      } catch (error) {
        done(error as Error);
        return;
      }
      done(null, payload);
    });
  app.addHook('onResponse', async (request, reply) => logRequest(request, reply));

  /** One log line and one count per request; `status` for a reply the client cut short. */
  function logRequest(request: FastifyRequest, reply: FastifyReply, status?: number): void {
    const route =
      reply.statusCode === 404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
    options.metrics.recordRequest(route, status ?? reply.statusCode, reply.elapsedTime / 1000);
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: status ?? reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      status === clientClosed ? 'request cut short: the client closed the connection' : 'request',
    );
  }
}

function registerErrorHandlers(app: FastifyInstance, maxBodyBytes: number): void {
  app.setErrorHandler(async (error, request, reply) => {
    const apiError = renderError(error, maxBodyBytes).withRequestId(request.id);
    // A client that left (e.g. while queued for the embedded engine) is no server fault.
    if (request.raw.socket?.destroyed === true)
      request.log.info(`client left: ${apiError.message}`);
    else if (apiError.status >= 500) request.log.error({ err: error }, apiError.message);
    else request.log.debug(apiError.message);
    return reply.status(apiError.status).headers(apiError.headers).send(apiError.toJSON());
  });
  app.setNotFoundHandler(async (request, reply) => {
    const error = unservedRequestError(request);
    return reply.status(error.status).send(error.toJSON());
  });
}

/** A request no route serves: a browser's preflight, a method a path lacks, or no such path. */
function unservedRequestError(request: FastifyRequest): ApiError {
  const path = request.url.split('?')[0] ?? '';
  const origin = request.headers.origin;
  // With origins allowed, allowCors answers a preflight before any route is looked for.
  if (request.method === 'OPTIONS' && origin !== undefined)
    return crossOriginRefusal(origin, [], request.id);
  if (knownPaths.has(path) || path.startsWith('/v1/models/'))
    return new ApiError(
      'invalid_request_error',
      `Method ${request.method} is not allowed on ${path}`,
      {
        status: 405,
        requestId: request.id,
      },
    );
  return new ApiError('not_found_error', notFoundMessage(request.method, path), {
    requestId: request.id,
  });
}

/** Anthropic API families Ferry does not serve, named so a client's 404 says why. */
const unservedApis: ReadonlyArray<[prefix: string, name: string]> = [
  ['/v1/messages/batches', 'the Message Batches API'],
  ['/v1/files', 'the Files API'],
  ['/v1/skills', 'the Skills API'],
  ['/v1/complete', 'the legacy Text Completions API'],
  ['/v1/organizations', 'the Admin API'],
];

function notFoundMessage(method: string, path: string): string {
  const api = unservedApis.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`));
  if (api === undefined) return `Not found: ${method} ${path}`;
  return `Not found: ${method} ${path} (Ferry does not implement ${api[1]}; it serves /v1/messages, /v1/messages/count_tokens and /v1/models)`;
}
