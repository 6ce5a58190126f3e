#!/usr/bin/env node
// What a V8 flag or a code change buys Ferry, measured in one run: one Ferry process per variant
// (each with its own CPU time and peak RSS), the same load, short rounds alternating between
// variants (in reverse order every other round) so the machine's drift hits all alike. Each
// variant after the first is also reported as the median over rounds of its ratio to the first
// in the same round, which is steadier on a noisy machine than comparing averages.
//
//   npm run build && node bench/node-flags-comparison.mjs --body claude-code --concurrency 64 \
//     --flags="" --flags="--max-semi-space-size=4 --heap-growing-percent=20"
//   # (empty flags: bin/ferry as users start it, with its own Node flags; other flags replace
//   # those: `node FLAGS bin/ferry`)
//   # a build against another checkout of Ferry (built there with `npm run build`):
//   node bench/node-flags-comparison.mjs --checkout ../ferry-before --checkout . \
//     --modes stream --seconds 1.5 --rounds 12
//   # Ferry on other Node versions (each a node binary; the launcher runs it):
//   node bench/node-flags-comparison.mjs --node "$(which node)" --node /opt/node24/bin/node
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ferryListening,
  ferryServeArgs,
  processStats,
  startFerry,
  startProcess,
} from './bench-processes.mjs';
import { bodies, checker, firstToken, model, requestFor } from './bench-requests.mjs';
import { percentile, runLoad } from './load-generator.mjs';

const { values } = parseArgs({
  options: {
    flags: { type: 'string', multiple: true, default: [''] },
    checkout: { type: 'string', multiple: true, default: ['.'] },
    node: { type: 'string', multiple: true, default: [process.execPath] },
    body: { type: 'string', default: 'claude-code' },
    modes: { type: 'string', default: 'stream,non-stream' },
    concurrency: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    tokens: { type: 'string', default: '64' },
  },
});
const tokens = Number(values.tokens);
const body = bodies()[values.body];

// Variants pair flags, checkouts and Node binaries by position; a list of one applies to every
// variant.
const count = Math.max(values.flags.length, values.checkout.length, values.node.length);
const variants = Array.from({ length: count }, (_, i) => ({
  flags: values.flags[i] ?? values.flags[0],
  checkout: values.checkout[i] ?? values.checkout[0],
  node: values.node[i] ?? values.node[0],
}));
const nodeVersion = (node) => execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();

const upstream = await startProcess(
  ['bench/fake-upstream.mjs', '--port', '0', '--tokens', String(tokens), '--model', model],
  /"port":(\d+)/,
);
const ferries = [];
for (const { flags, checkout, node } of variants) {
  // Empty flags: bin/ferry as users start it; otherwise `node FLAGS bin/ferry`.
  const ferry = await startFerry(
    flags.split(' ').filter(Boolean),
    ferryServeArgs(`http://127.0.0.1:${upstream.port}/v1`),
    ferryListening,
    resolve(checkout, 'bin/ferry'),
    node,
  );
  const label = [
    values.node.length > 1 ? `Node ${nodeVersion(node)}` : '',
    checkout === '.' ? '' : checkout,
    flags || (count > 1 ? '' : '(bin/ferry)'),
  ]
    .filter(Boolean)
    .join(' ');
  ferries.push({ label: label || '(this checkout)', ...ferry });
}

async function measure(ferry, stream, concurrency) {
  const before = processStats(ferry.child.pid).cpuMs;
  const result = await runLoad({
    origin: `http://127.0.0.1:${ferry.port}`,
    path: '/v1/messages',
    headers: { 'x-api-key': 'bench', 'anthropic-version': '2023-06-01' },
    body: requestFor('ferry', body, stream),
    concurrency,
    durationMs: Number(values.seconds) * 1000,
    check: checker('ferry', body.tools, stream, tokens),
    isFirstToken: firstToken.ferry,
  });
  const cpuMs = processStats(ferry.child.pid).cpuMs - before;
  return { ...result, cpuMs, rps: result.ok / result.seconds, cpuPerRequest: cpuMs / result.ok };
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

try {
  for (const mode of values.modes.split(',')) {
    for (const concurrency of values.concurrency.split(',').map(Number)) {
      for (const ferry of ferries) await measure(ferry, mode === 'stream', concurrency); // warm-up
      const runs = ferries.map(() => []);
      for (let round = 0; round < Number(values.rounds); round++) {
        const order = [...ferries.keys()];
        if (round % 2 === 1) order.reverse();
        for (const i of order)
          runs[i].push(await measure(ferries[i], mode === 'stream', concurrency));
      }
      for (const [i, ferry] of ferries.entries()) {
        const ok = runs[i].reduce((sum, r) => sum + r.ok, 0);
        const rps = ok / runs[i].reduce((sum, r) => sum + r.seconds, 0);
        const cpu = runs[i].reduce((sum, r) => sum + r.cpuMs, 0) / Math.max(1, ok);
        const ttft = percentile(
          runs[i].flatMap((r) => r.ttfts),
          50,
        );
        const lost = runs[i].reduce((sum, r) => sum + r.lost, 0);
        const paired =
          i === 0
            ? ''
            : ` | vs first: CPU ×${median(runs[i].map((r, k) => r.cpuPerRequest / runs[0][k].cpuPerRequest)).toFixed(3)}, req/s ×${median(runs[i].map((r, k) => r.rps / runs[0][k].rps)).toFixed(3)}`;
        console.log(
          `${values.body} ${mode} ${concurrency} | ${ferry.label} | ${rps.toFixed(0)} req/s | TTFT p50 ${ttft.toFixed(2)} ms | CPU ${cpu.toFixed(2)} ms/req | lost ${lost}${paired}`,
        );
      }
    }
  }
} finally {
  for (const ferry of ferries)
    console.log(
      `peak RSS ${processStats(ferry.child.pid).peakRssMb.toFixed(1)} MB | ${ferry.label}`,
    );
  for (const process of [...ferries, upstream]) process.child.kill('SIGTERM');
}
