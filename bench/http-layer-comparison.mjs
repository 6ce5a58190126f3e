#!/usr/bin/env node
// Which HTTP layer to put in front of Ferry's pipeline, measured in one run: the same
// /v1/messages work (bench/http-layer/ferry-pipeline.mjs, Ferry's built code) behind bare
// node:http, Hono on @hono/node-server and a bare Fastify route, next to Ferry itself (Fastify
// with its hooks: API key, request-id, metrics, a log line per request). Each server is its own
// process, so its CPU time and peak RSS are its own. Rounds interleave the servers; ratios are
// requests/s over bare node:http. Writes the `## HTTP layer comparison` section of
// docs/benchmarks.md unless --no-write.
//
//   npm run build && node bench/http-layer-comparison.mjs [--seconds 3] [--rounds 2]
//     [--concurrency 1,64] [--bodies small,claude-code] [--modes stream] [--no-write]
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ferryListening, ferryServeArgs, processStats, startProcess } from './bench-processes.mjs';
import { bodies, checker, firstToken, model, requestFor } from './bench-requests.mjs';
import { percentile, runLoad } from './load-generator.mjs';
import { replaceSection } from './replace-doc-section.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '2' },
    tokens: { type: 'string', default: '64' },
    concurrency: { type: 'string', default: '1,64' },
    bodies: { type: 'string', default: 'small,claude-code' },
    modes: { type: 'string', default: 'stream,non-stream' },
    'no-write': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const tokens = Number(values.tokens);
const levels = values.concurrency.split(',').map(Number);
const layers = ['node:http', 'hono', 'fastify', 'ferry'];

async function startLayers(upstreamUrl) {
  const port = /"port":(\d+)/;
  return {
    'node:http': await startProcess(['bench/http-layer/serve-node.mjs', upstreamUrl], port),
    hono: await startProcess(['bench/http-layer/serve-hono.mjs', upstreamUrl], port),
    fastify: await startProcess(['bench/http-layer/serve-fastify.mjs', upstreamUrl], port),
    ferry: await startProcess(['bin/ferry', ...ferryServeArgs(upstreamUrl)], ferryListening),
  };
}

async function measure(server, body, stream, concurrency) {
  const before = processStats(server.child.pid).cpuMs;
  const result = await runLoad({
    origin: `http://127.0.0.1:${server.port}`,
    path: '/v1/messages',
    headers: { 'x-api-key': 'bench', 'anthropic-version': '2023-06-01' },
    body: requestFor('ferry', body, stream),
    concurrency,
    durationMs: seconds * 1000,
    check: checker('ferry', body.tools, stream, tokens),
    isFirstToken: firstToken.ferry,
  });
  return { ...result, cpuMs: processStats(server.child.pid).cpuMs - before };
}

async function measureCell(servers, body, stream, concurrency) {
  const runs = Object.fromEntries(layers.map((layer) => [layer, []]));
  for (const layer of layers) await measure(servers[layer], body, stream, concurrency); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const layer of layers)
      runs[layer].push(await measure(servers[layer], body, stream, concurrency));
  }
  return Object.fromEntries(
    layers.map((layer) => {
      const list = runs[layer];
      const ok = list.reduce((sum, r) => sum + r.ok, 0);
      return [
        layer,
        {
          rps: ok / list.reduce((sum, r) => sum + r.seconds, 0),
          ttftP50: percentile(
            list.flatMap((r) => r.ttfts),
            50,
          ),
          cpuMsPerRequest: list.reduce((sum, r) => sum + r.cpuMs, 0) / Math.max(1, ok),
          lost: list.reduce((sum, r) => sum + r.lost, 0),
        },
      ];
    }),
  );
}

const loadAverage = loadavg()[0].toFixed(2); // other work on the machine skews results

async function main() {
  const upstream = await startProcess(
    ['bench/fake-upstream.mjs', '--port', '0', '--tokens', String(tokens), '--model', model],
    /"port":(\d+)/,
  );
  const servers = await startLayers(`http://127.0.0.1:${upstream.port}/v1`);
  const rows = [];
  try {
    for (const [bodyName, body] of Object.entries(bodies())) {
      if (!values.bodies.split(',').includes(bodyName)) continue;
      for (const mode of values.modes.split(',')) {
        for (const concurrency of levels) {
          const cell = await measureCell(servers, body, mode === 'stream', concurrency);
          const row = { body: bodyName, mode, concurrency, cell };
          rows.push(row);
          console.log(formatRow(row));
        }
      }
    }
  } finally {
    var peaks = Object.fromEntries(
      layers.map((layer) => [layer, processStats(servers[layer].child.pid).peakRssMb]),
    );
    for (const server of [...Object.values(servers), upstream]) server.child.kill('SIGTERM');
  }
  console.log(
    `peak RSS (MB): ${layers.map((layer) => `${layer} ${peaks[layer].toFixed(1)}`).join(', ')}`,
  );
  if (!values['no-write']) writeSection(rows, peaks);
}

const f = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '—');

function formatRow({ body, mode, concurrency, cell }) {
  const base = cell['node:http'];
  const columns = layers.map((layer) => {
    const r = cell[layer];
    return `${f(r.rps, 0)} (${f(r.rps / base.rps)}) · ${f(r.ttftP50)} ms · ${f(r.cpuMsPerRequest)} ms${r.lost > 0 ? ` · ${r.lost} lost` : ''}`;
  });
  return `| ${body} | ${mode} | ${concurrency} | ${columns.join(' | ')} |`;
}

function writeSection(rows, peaks) {
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version} (1-minute load average at the start: ${loadAverage})`;
  const section = `## HTTP layer comparison

Measured by [\`bench/http-layer-comparison.mjs\`](../bench/http-layer-comparison.mjs) on ${machine},
on ${new Date().toISOString().slice(0, 10)}: the same /v1/messages pipeline (Ferry's built code: parse, validate,
translate, upstream stream, events, SSE) behind each HTTP layer, each in its own process, rounds interleaved
(${rounds} × ${seconds} s per server and cell, after a warm-up). "ferry" is the real server: Fastify plus its hooks
(API key, request-id, metrics, one log line per request) and the V8 settings \`ferry serve\` makes (see Memory). Each cell: requests/s (ratio to bare node:http) ·
TTFT p50 · server CPU per request.

| body | mode | clients | ${layers.join(' | ')} |
|---|---|---:|${layers.map(() => '---:').join('|')}|
${rows.map(formatRow).join('\n')}

Peak RSS over the run (MB): ${layers.map((layer) => `${layer} ${f(peaks[layer], 1)}`).join(', ')}.
`;
  const file = new URL('../docs/benchmarks.md', import.meta.url);
  writeFileSync(
    file,
    replaceSection(readFileSync(file, 'utf8'), '## HTTP layer comparison', section),
  );
}

await main();
