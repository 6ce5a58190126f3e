#!/usr/bin/env node
// What V8 flags buy Ferry, measured in one run: one Ferry process per flag set (each with its
// own CPU time and peak RSS), the same load, rounds interleaved so machine noise hits all alike.
//
//   npm run build && node bench/node-flags-comparison.mjs --body claude-code --concurrency 64 \
//     --flags "" --flags "--max-semi-space-size=4 --heap-growing-percent=20"
import { parseArgs } from 'node:util';
import { processStats, startProcess } from './bench-processes.mjs';
import { bodies, checker, firstToken, model, requestFor } from './bench-requests.mjs';
import { percentile, runLoad } from './load-generator.mjs';

const { values } = parseArgs({
  options: {
    flags: { type: 'string', multiple: true, default: [''] },
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

const upstream = await startProcess(
  ['bench/fake-upstream.mjs', '--port', '0', '--tokens', String(tokens), '--model', model],
  /"port":(\d+)/,
);
const ferries = [];
for (const flags of values.flags) {
  const args = [
    ...flags.split(' ').filter(Boolean),
    'bin/ferry',
    'serve',
    '--upstream',
    `http://127.0.0.1:${upstream.port}/v1`,
  ];
  const ferry = await startProcess(
    [...args, '--port', '0', '--log-level', 'info', '--api-key', 'bench'],
    /listening on http:\/\/127\.0\.0\.1:(\d+)/,
  );
  ferries.push({ flags: flags || '(none)', ...ferry, runs: [] });
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
  return { ...result, cpuMs: processStats(ferry.child.pid).cpuMs - before };
}

try {
  for (const mode of values.modes.split(',')) {
    for (const concurrency of values.concurrency.split(',').map(Number)) {
      for (const ferry of ferries) await measure(ferry, mode === 'stream', concurrency); // warm-up
      const runs = ferries.map(() => []);
      for (let round = 0; round < Number(values.rounds); round++) {
        for (const [i, ferry] of ferries.entries())
          runs[i].push(await measure(ferry, mode === 'stream', concurrency));
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
        console.log(
          `${values.body} ${mode} ${concurrency} | ${ferry.flags} | ${rps.toFixed(0)} req/s | TTFT p50 ${ttft.toFixed(2)} ms | CPU ${cpu.toFixed(2)} ms/req | lost ${lost}`,
        );
      }
    }
  }
} finally {
  for (const ferry of ferries)
    console.log(
      `peak RSS ${processStats(ferry.child.pid).peakRssMb.toFixed(1)} MB | ${ferry.flags}`,
    );
  for (const process of [...ferries, upstream]) process.child.kill('SIGTERM');
}
