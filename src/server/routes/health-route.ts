import type { FastifyInstance } from 'fastify';

/** Paths answered 200 without a key: load-balancer probes and Claude Code's start-up probe. */
export const probePaths = ['/', '/health', '/api/hello'] as const;

export function registerHealthRoute(app: FastifyInstance): void {
  for (const path of probePaths) app.get(path, () => ({ status: 'ok', server: 'ferry' }));
}
