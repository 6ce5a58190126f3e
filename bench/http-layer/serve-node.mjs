#!/usr/bin/env node
// Ferry's /v1/messages pipeline behind bare node:http. Usage: serve-node.mjs UPSTREAM_URL
import http from 'node:http';
import { createPipeline, errorReply, quietLogger, writeSse } from './ferry-pipeline.mjs';

const pipeline = createPipeline(process.argv[2]);

async function handle(req, res) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const { stream, events } = await pipeline.open(
    Buffer.concat(chunks).toString('utf8'),
    controller.signal,
  );
  try {
    if (stream) {
      const first = await events.next();
      await writeSse(res, first.done ? [] : first.value, events, {
        pingIntervalMs: 10_000,
        requestId: 'req_bench',
        logger: quietLogger,
      });
    } else {
      const body = JSON.stringify(await pipeline.collect(events));
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    }
  } finally {
    await events.return(undefined);
  }
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/v1/messages') return void res.writeHead(404).end();
  handle(req, res).catch((error) => {
    if (res.headersSent) return void res.destroy();
    const reply = errorReply(error);
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
