#!/usr/bin/env node
// Ferry's /v1/messages pipeline behind a bare Fastify 5 route (no hooks, no logger): the body
// as a string from Fastify's parser, the stream written to the hijacked raw response.
// Usage: serve-fastify.mjs UPSTREAM_URL
import Fastify from 'fastify';
import { createPipeline, errorReply, quietLogger, writeSse } from './ferry-pipeline.mjs';

const pipeline = createPipeline(process.argv[2]);
const app = Fastify({ logger: false, keepAliveTimeout: 60_000 });
app.removeContentTypeParser(['application/json']);
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
  done(null, body),
);

app.post('/v1/messages', async (request, reply) => {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  const { stream, events } = await pipeline.open(request.body, controller.signal);
  try {
    if (!stream) return await pipeline.collect(events);
    const first = await events.next();
    reply.hijack();
    await writeSse(reply.raw, first.done ? [] : first.value, events, {
      pingIntervalMs: 10_000,
      requestId: 'req_bench',
      logger: quietLogger,
    });
  } finally {
    await events.return(undefined);
  }
});
app.setErrorHandler(async (error, _request, reply) => {
  const { status, body } = errorReply(error);
  return reply.status(status).header('content-type', 'application/json').send(body);
});

const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(JSON.stringify({ port: Number(new URL(address).port) }));
