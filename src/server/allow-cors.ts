import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/**
 * CORS for web pages that call Ferry from a browser (the SDK with `dangerouslyAllowBrowser`, a
 * local chat UI), from the configured origins only: Ferry listens on the user's machine, so by
 * default no web page the user visits may read its replies. `*` allows any origin. Preflights
 * are answered before the API key check (a browser sends no key with them).
 */
export function allowCors(app: FastifyInstance, origins: readonly string[]): void {
  void app.register(cors, {
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'HEAD', 'POST'],
    // The SDK reads these from a reply; a browser hides any header not listed.
    exposedHeaders: ['request-id', 'retry-after'],
    maxAge: 600,
  });
}
