import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../protocol/api-error.js';

/**
 * CORS for web pages that call Ferry from a browser (the SDK with `dangerouslyAllowBrowser`, a
 * local chat UI), from the configured origins only: Ferry listens on the user's machine, so by
 * default no web page the user visits may read its replies. `*` allows any origin. Preflights
 * are answered before the API key check (a browser sends no key with them); one from another
 * origin gets a 403 that says which origins are allowed.
 */
export function allowCors(app: FastifyInstance, origins: readonly string[]): void {
  const any = origins.includes('*');
  app.addHook('onRequest', (request, _reply, done) => {
    const origin = request.headers.origin;
    if (any || request.method !== 'OPTIONS' || origin === undefined || origins.includes(origin))
      return done();
    done(crossOriginRefusal(origin, origins));
  });
  void app.register(cors, {
    origin: any ? '*' : [...origins],
    methods: ['GET', 'HEAD', 'POST'],
    // The SDK reads the first two from a reply, a client of count_tokens the third; a browser
    // hides any header not listed.
    exposedHeaders: ['request-id', 'retry-after', 'x-ferry-token-count'],
    maxAge: 600,
  });
}

/**
 * A browser's preflight from an origin Ferry does not allow: which origins it does allow, and
 * how to add this one (with none allowed, the config file's key too).
 */
export function crossOriginRefusal(
  origin: string,
  allowed: readonly string[],
  requestId?: string,
): ApiError {
  const message =
    allowed.length === 0
      ? `cross-origin requests from ${origin} are not allowed: start Ferry with --cors-origin ${origin} (corsOrigins in the config file)`
      : `cross-origin requests from ${origin} are not allowed (allowed: ${allowed.join(', ')}); start Ferry with --cors-origin ${origin} to allow it`;
  return new ApiError('permission_error', message, requestId === undefined ? {} : { requestId });
}
