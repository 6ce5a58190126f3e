import type { FastifyInstance } from 'fastify';

/** Paths answered 200 without a key: load-balancer probes and Claude Code's start-up probe. */
export const probePaths = ['/', '/health', '/api/hello'] as const;

/** `backend` is a fingerprint of where the tokens come from (see backendIdentity), if known. */
export function registerHealthRoute(app: FastifyInstance, backend: string | undefined): void {
  const body = { status: 'ok', server: 'ferry', ...(backend === undefined ? {} : { backend }) };
  for (const path of probePaths) app.get(path, () => body);
}
