#!/usr/bin/env node
// Ferry's /v1/messages pipeline behind Hono on @hono/node-server, the idiomatic way: the body
// read with c.req.text(), the stream returned as a web ReadableStream that the adapter pipes to
// the socket. Usage: serve-hono.mjs UPSTREAM_URL
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { encodeSseEvent } from '../../dist/protocol/encode-sse-event.js';
import { createPipeline, errorReply, sseHeaders } from './ferry-pipeline.mjs';

const pipeline = createPipeline(process.argv[2]);
const encoder = new TextEncoder();
const encode = (batch) => encoder.encode(batch.map(encodeSseEvent).join(''));

const app = new Hono();
app.post('/v1/messages', async (c) => {
  const { stream, events } = await pipeline.open(await c.req.text(), c.req.raw.signal);
  if (!stream) {
    try {
      return c.json(await pipeline.collect(events));
    } finally {
      await events.return(undefined);
    }
  }
  const first = await events.next();
  const body = new ReadableStream({
    start: (controller) => controller.enqueue(encode(first.done ? [] : first.value)),
    // Pull-based, like Ferry's writer: the next batch only when the adapter wants more.
    pull: async (controller) => {
      const next = await events.next();
      if (next.done) controller.close();
      else controller.enqueue(encode(next.value));
    },
    cancel: () => events.return(undefined),
  });
  return new Response(body, { headers: sseHeaders });
});
app.onError((error) => {
  const reply = errorReply(error);
  return new Response(reply.body, {
    status: reply.status,
    headers: { 'content-type': 'application/json' },
  });
});

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
  console.log(JSON.stringify({ port: info.port })),
);
server.keepAliveTimeout = 60_000;
