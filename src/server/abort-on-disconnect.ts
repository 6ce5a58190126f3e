import type { FastifyReply } from 'fastify';

/**
 * One AbortController from the client's connection to the upstream request or engine sequence:
 * it aborts when the connection closes before the reply was written to the end.
 */
export function abortOnDisconnect(reply: FastifyReply): AbortController {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller;
}
