#!/usr/bin/env node
// Ferry's overhead against a direct upstream, measured in one run (`npm run bench`).
//
// Three processes share the machine's cores: the fast fake upstream (bench/fake-upstream.mjs),
// Ferry (bin/ferry serve), and this load generator. For each body (small, Claude-Code-sized),
// mode (streaming or not) and concurrency (1, 16, 64), rounds alternate: direct OpenAI requests
// to the upstream (A), then the equivalent Anthropic requests through Ferry (B), then through a
// minimal hand-written translator (bench/minimal-translator.mjs: no validation, the issue's
// reference point) in its own process. Every reply is checked; the results tables and a chart
// go to docs/benchmarks.md and docs/benchmark-overhead.svg.
//
//   npm run bench -- [--seconds 3] [--rounds 2] [--tokens 64] [--token-delay-ms 0]
//     [--concurrency 1,16,64] [--no-write]
//     [--bodies small,claude-code] [--modes stream,non-stream] [--node-flags "--flag ..."]
//     [--skip-minimal] [--warm-up-seconds 5]
// (--node-flags start Ferry as `node FLAGS bin/ferry`, for trying V8 settings, instead of
// bin/ferry with its own start-up flags. --token-delay-ms N makes the fake upstream stream at a
// model's pace; those results get a section of their own and no chart.)
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  ferryListening,
  ferryServeArgs,
  startFerry,
  startProcess,
  processStats,
  resetPeakRss,
} from './bench-processes.mjs';
import { bodies, checker, firstToken, model, requestFor } from './bench-requests.mjs';
import { percentile, runLoad } from './load-generator.mjs';
import { writeChart } from './write-overhead-chart.mjs';
import { replaceSection } from './replace-doc-section.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '2' },
    tokens: { type: 'string', default: '64' },
    'token-delay-ms': { type: 'string', default: '0' },
    concurrency: { type: 'string', default: '1,16,64' },
    bodies: { type: 'string', default: 'small,claude-code' },
    modes: { type: 'string', default: 'stream,non-stream' },
    'node-flags': { type: 'string', default: '' },
    'skip-minimal': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    'warm-up-seconds': { type: 'string', default: '5' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const tokens = Number(values.tokens);
// A model's pace (the fake upstream streams one token per delay); 0 measures Ferry's own cost.
const tokenDelayMs = Number(values['token-delay-ms']);
const warmUpSeconds = Number(values['warm-up-seconds']);
const levels = values.concurrency.split(',').map(Number);
const bodyNames = values.bodies.split(',');
const streamModes = values.modes.split(',').map((mode) => mode === 'stream');
const nodeFlags = values['node-flags'].split(' ').filter(Boolean);
const kinds = values['skip-minimal'] ? ['direct', 'ferry'] : ['direct', 'ferry', 'minimal'];
const root = new URL('..', import.meta.url);

/** The load of one round against a target: the upstream (OpenAI) or a gateway (Anthropic). */
function loadOptions(target, body, stream, concurrency) {
  const protocol = target.protocol;
  return {
    origin: target.origin,
    path: protocol === 'ferry' ? '/v1/messages' : '/v1/chat/completions',
    headers:
      protocol === 'ferry' ? { 'x-api-key': 'bench', 'anthropic-version': '2023-06-01' } : {},
    body: requestFor(protocol, body, stream),
    concurrency,
    durationMs: seconds * 1000,
    check: checker(protocol, body.tools, stream, tokens),
    isFirstToken: firstToken[protocol],
  };
}

/** One round against a target, with its CPU time. */
async function measure(target, body, stream, concurrency) {
  const before = target.pid === undefined ? undefined : processStats(target.pid);
  const result = await runLoad(loadOptions(target, body, stream, concurrency));
  if (before !== undefined) result.cpuMs = processStats(target.pid).cpuMs - before.cpuMs;
  return result;
}

/**
 * Gets the gateways to the steady state a long-running one is in before any cell is measured:
 * each serves every body and mode at 16 clients. At one client V8 went on optimising Ferry's
 * code (~60 functions a second, on its one helper thread) for ~10 s, through the first cell's
 * own 3 s warm-up and into its rounds.
 */
async function warmUp(targets) {
  if (!(warmUpSeconds > 0)) return;
  for (const [bodyName, body] of Object.entries(bodies())) {
    if (!bodyNames.includes(bodyName)) continue;
    for (const stream of streamModes) {
      for (const kind of kinds.slice(1)) {
        const result = await runLoad({
          ...loadOptions(targets[kind], body, stream, 16),
          durationMs: warmUpSeconds * 1000,
        });
        if (result.ok === 0) throw new Error(`${kind} answered nothing right while warming up`);
      }
    }
  }
}

function merge(results) {
  return {
    ok: results.reduce((sum, r) => sum + r.ok, 0),
    lost: results.reduce((sum, r) => sum + r.lost, 0),
    seconds: results.reduce((sum, r) => sum + r.seconds, 0),
    ttfts: results.flatMap((r) => r.ttfts),
    cpuMs: results.reduce((sum, r) => sum + (r.cpuMs ?? 0), 0),
  };
}

const loadAverage = loadavg()[0].toFixed(2); // other work on the machine skews results

async function main() {
  const upstream = await startProcess(
    [
      'bench/fake-upstream.mjs',
      '--port',
      '0',
      '--tokens',
      String(tokens),
      '--token-delay-ms',
      String(tokenDelayMs),
      '--model',
      model,
    ],
    /"port":(\d+)/,
  );
  const ferry = await startFerry(
    nodeFlags,
    ferryServeArgs(`http://127.0.0.1:${upstream.port}/v1`),
    ferryListening,
  );
  const minimal = kinds.includes('minimal')
    ? await startProcess(
        ['bench/minimal-translator.mjs', '--upstream', `http://127.0.0.1:${upstream.port}/v1`],
        /"port":(\d+)/,
      )
    : undefined;
  const targets = {
    direct: { origin: `http://127.0.0.1:${upstream.port}`, protocol: 'direct' },
    ferry: { origin: `http://127.0.0.1:${ferry.port}`, protocol: 'ferry', pid: ferry.child.pid },
    minimal: minimal && {
      origin: `http://127.0.0.1:${minimal.port}`,
      protocol: 'ferry',
      pid: minimal.child.pid,
    },
  };
  const rows = [];
  try {
    await warmUp(targets);
    for (const [bodyName, body] of Object.entries(bodies())) {
      if (!bodyNames.includes(bodyName)) continue;
      for (const stream of streamModes) {
        for (const concurrency of levels) {
          const runs = { direct: [], ferry: [], minimal: [] };
          // Each cell's own peak (warm-up included), besides the whole run's.
          const cellPeaks = [targets.ferry, targets.minimal].map(
            (target) => target !== undefined && resetPeakRss(target.pid),
          );
          for (const kind of kinds.slice(1))
            await measure(targets[kind], body, stream, concurrency); // warm-up
          for (let round = 0; round < rounds; round++) {
            for (const kind of kinds)
              runs[kind].push(await measure(targets[kind], body, stream, concurrency));
          }
          const direct = merge(runs.direct);
          const through = merge(runs.ferry);
          const row = {
            body: bodyName,
            stream,
            concurrency,
            directTtftP50: percentile(direct.ttfts, 50),
            directTtftP99: percentile(direct.ttfts, 99),
            ferryTtftP50: percentile(through.ttfts, 50),
            ferryTtftP99: percentile(through.ttfts, 99),
            directRps: direct.ok / direct.seconds,
            ferryRps: through.ok / through.seconds,
            cpuMsPerRequest: through.cpuMs / Math.max(1, through.ok),
            lost: direct.lost + through.lost,
            requests: direct.ok + through.ok,
            peakRssMb: cellPeaks[0] ? processStats(ferry.child.pid).peakRssMb : undefined,
          };
          row.addedP50 = row.ferryTtftP50 - row.directTtftP50;
          row.ratio = row.ferryRps / row.directRps;
          if (minimal) {
            const reference = merge(runs.minimal);
            row.minimalRequests = reference.ok;
            row.minimalLost = reference.lost;
            row.minimalAddedP50 = percentile(reference.ttfts, 50) - row.directTtftP50;
            row.minimalRatio = reference.ok / reference.seconds / row.directRps;
            row.minimalCpuMsPerRequest = reference.cpuMs / Math.max(1, reference.ok);
            if (cellPeaks[1]) row.minimalPeakRssMb = processStats(minimal.child.pid).peakRssMb;
          }
          rows.push(row);
          console.log(formatRow(row));
          if (minimal) console.log(formatMinimalRow(row));
        }
      }
    }
  } finally {
    var stats = processStats(ferry.child.pid);
    var minimalPeakRssMb = minimal && processStats(minimal.child.pid).peakRssMb;
    ferry.child.kill('SIGTERM');
    minimal?.child.kill('SIGTERM');
    upstream.child.kill('SIGTERM');
  }
  // A cell's start sets the kernel's peak back, so the run's peak is the highest of the cells'.
  const ferryPeakRssMb = Math.max(stats.peakRssMb, ...rows.map((row) => row.peakRssMb ?? 0));
  if (minimal)
    minimalPeakRssMb = Math.max(minimalPeakRssMb, ...rows.map((row) => row.minimalPeakRssMb ?? 0));
  console.log(`Ferry peak RSS: ${ferryPeakRssMb.toFixed(1)} MB`);
  if (minimal) console.log(`Minimal translator peak RSS: ${minimalPeakRssMb.toFixed(1)} MB`);
  if (!values['no-write']) writeResults(rows, ferryPeakRssMb, minimalPeakRssMb);
}

const header =
  '| body | mode | clients | TTFT p50 direct / Ferry (ms) | added p50 (ms) | TTFT p99 direct / Ferry (ms) | req/s direct / Ferry | ratio | Ferry CPU ms/req | Ferry peak RSS (MB) | lost |\n' +
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|';

/** A figure for a table cell; a dash when the run has none. */
const f = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '—');

/** The cells that name a row: body, mode and clients. */
const rowName = (row) =>
  `| ${row.body} | ${row.stream ? 'stream' : 'non-stream'} | ${row.concurrency} |`;

function formatRow(row) {
  return `${rowName(row)} ${f(row.directTtftP50)} / ${f(row.ferryTtftP50)} | ${f(row.addedP50)} | ${f(row.directTtftP99)} / ${f(row.ferryTtftP99)} | ${f(row.directRps, 0)} / ${f(row.ferryRps, 0)} | ${f(row.ratio)} | ${f(row.cpuMsPerRequest)} | ${f(row.peakRssMb, 1)} | ${row.lost} |`;
}

const minimalHeader =
  '| body | mode | clients | added p50 Ferry / minimal (ms) | ratio Ferry / minimal | CPU ms/req Ferry / minimal | peak RSS Ferry / minimal (MB) | lost (minimal) |\n' +
  '|---|---|---:|---:|---:|---:|---:|---:|';

function formatMinimalRow(row) {
  return `${rowName(row)} ${f(row.addedP50)} / ${f(row.minimalAddedP50)} | ${f(row.ratio)} / ${f(row.minimalRatio)} | ${f(row.cpuMsPerRequest)} / ${f(row.minimalCpuMsPerRequest)} | ${f(row.peakRssMb, 1)} / ${f(row.minimalPeakRssMb, 1)} | ${row.minimalLost} |`;
}

/** The same run's cells for the minimal translator, the reference Ferry is measured against. */
function minimalSection(rows, peakRssMb, minimalPeakRssMb) {
  const checked = rows.reduce((sum, row) => sum + row.minimalRequests, 0);
  return `
Against a minimal translator, in the same rounds: [\`bench/minimal-translator.mjs\`](../bench/minimal-translator.mjs)
is a hand-written Anthropic-to-OpenAI translator on bare \`node:http\` with no validation, no error mapping, no
parsers, no backpressure or cancellation and Node's default settings, which writes each upstream read as it comes (the
issue's reference point: such a translator keeps about 0.5× of direct throughput). Its replies pass the same checks.

${minimalHeader}
${rows.map(formatMinimalRow).join('\n')}

Peak RSS over the whole run: Ferry ${peakRssMb.toFixed(1)} MB, minimal translator ${minimalPeakRssMb.toFixed(1)} MB. Minimal translator requests checked: ${checked}.
`;
}

function writeResults(rows, peakRssMb, minimalPeakRssMb) {
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, ${process.platform}-${process.arch} (1-minute load average at the start: ${loadAverage})`;
  const lost = rows.reduce((sum, row) => sum + row.lost, 0);
  const total = rows.reduce((sum, row) => sum + row.requests, 0);
  const heading =
    tokenDelayMs === 0
      ? '## Gateway overhead'
      : `## Gateway overhead at ${tokenDelayMs} ms a token`;
  const section = `${heading}

Measured by [\`bench/run-benchmarks.mjs\`](../bench/run-benchmarks.mjs) (\`npm run bench\`) on ${machine}, on
${new Date().toISOString().slice(0, 10)}. The fake upstream (vLLM-shaped chunks, ${tokens} tokens a reply, ${tokenDelayMs === 0 ? 'no delay' : `${tokenDelayMs} ms between tokens, as a model streams them (non-streamed replies come at once)`}), Ferry and
the load generator share the cores. Each cell alternates ${rounds} rounds of ${seconds} s direct (OpenAI requests straight to the
upstream) and through Ferry (the equivalent Anthropic requests), after a warm-up of ${seconds} s.${
    warmUpSeconds > 0
      ? ` Before the first cell,
each gateway serves every body and mode for ${warmUpSeconds} s at 16 clients, so that what is measured is the
steady state of a gateway that has been running (V8 goes on optimising a gateway's code for ~10 s at one client).`
      : ''
  } TTFT is the time to the first content
event; "ratio" is Ferry's requests/s over direct. The Claude-Code body is the captured 47 KB turn (12 tools, system blocks,
tool-use history); its replies are tool calls whose arguments stream in ${tokens} pieces.
Ferry runs as ${nodeFlags.length > 0 ? `\`node ${nodeFlags.join(' ')} bin/ferry serve\`` : '`bin/ferry serve`, as users start it'}.

${header}
${rows.map(formatRow).join('\n')}

Ferry's peak RSS over the whole run: ${peakRssMb.toFixed(1)} MB (10^6 bytes; a cell's own peak, in its column, counts from the cell's start, warm-up included). Requests checked: ${total}, lost or corrupted: ${lost}.
${minimalPeakRssMb === undefined ? '' : minimalSection(rows, peakRssMb, minimalPeakRssMb)}${tokenDelayMs === 0 ? '\n![Added latency and throughput ratio against concurrency](benchmark-overhead.svg)\n' : ''}`;
  const file = new URL('docs/benchmarks.md', root);
  let doc = '# Benchmarks\n';
  try {
    doc = readFileSync(file, 'utf8');
  } catch {}
  writeFileSync(file, replaceSection(doc, heading, section));
  if (tokenDelayMs === 0) writeChart(new URL('docs/benchmark-overhead.svg', root), rows);
}

await main();
