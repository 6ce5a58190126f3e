import type { FastifyInstance } from 'fastify';
import { createApp } from './create-app.js';
import type { FerryAppOptions } from './app-options.js';

export interface RunningServer {
  app: FastifyInstance;
  /** http://host:port of the bound socket. */
  url: string;
  /** Stops accepting, lets in-flight requests finish within `graceMs`, then closes the rest. */
  close(graceMs?: number): Promise<void>;
}

export async function startServer(
  options: FerryAppOptions & { host: string; port: number },
): Promise<RunningServer> {
  const openStreams = new Set<() => void>();
  const app = createApp({ ...options, openStreams });
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    app,
    url: `http://${host}:${port}`,
    close: (graceMs = 10_000) => closeGracefully(app, graceMs, openStreams),
  };
}

/**
 * When the grace period runs out, streams still open end with an SSE `error` event
 * (`overloaded_error`, which clients retry), and the connections close a moment later.
 */
async function closeGracefully(
  app: FastifyInstance,
  graceMs: number,
  openStreams: Set<() => void>,
): Promise<void> {
  const timer = setTimeout(() => {
    for (const interrupt of openStreams) interrupt();
    setTimeout(() => app.server.closeAllConnections(), 200).unref();
  }, graceMs);
  timer.unref();
  // Closing only drops the connections idle at that moment. One whose stream ends later stays
  // open as keep-alive (an SSE reply cannot say `connection: close` once its headers are out),
  // and would hold the exit until the grace ran out.
  const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
  sweep.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
    clearInterval(sweep);
  }
}
