#!/usr/bin/env node
// The embedded engine against node-llama-cpp driven directly, in one run
// (`npm run bench:embedded`; `-- --model PATH` for a real GGUF instead of the synthetic ones).
//
// 1. Generation speed: the same model, threads and context size; rounds alternate between a
//    direct token loop in this process and streamed /v1/messages requests to `ferry serve
//    --model` in its own process. Tokens/s is counted from the first token to the last.
// 2. Prefix reuse: time to the first token of a ~4k-token conversation, cold, then its second
//    turn (the conversation plus a reply and a new question), as Claude Code sends it.
// 3. Memory: Ferry's peak RSS (VmHWM) minus the model file and the KV cache.
//
// Without --model, two synthetic models written by the tests' GGUF writer: the 1.6 MB test
// model (thousands of tokens/s: the worst case for per-token overhead) and a 28M-parameter one
// whose speed on a CPU is that of a small real model.
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { getLlama, LlamaLogLevel, readGgufFileInfo } from 'node-llama-cpp';
import { defaultBatchSize } from '../dist/backends/llama-cpp/load-embedded-model.js';
import { processStats } from './bench-processes.mjs';
import { replaceSection } from './replace-doc-section.mjs';
import { tinyGgufPath } from './tiny-gguf.mjs';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    threads: { type: 'string', default: '1' },
    'ctx-size': { type: 'string', default: '8192' },
    tokens: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '3' },
    'speed-rounds': { type: 'string', default: '10' },
    'no-write': { type: 'boolean', default: false },
  },
});
const threads = Number(values.threads);
const contextSize = Number(values['ctx-size']);
const tokens = Number(values.tokens);
const rounds = Number(values.rounds);
const speedRounds = Number(values['speed-rounds']);
const ferryCommand = new URL('../bin/ferry', import.meta.url).pathname; // as users start it

// An end-of-turn bias this low means the synthetic models never end their turn: every run makes
// exactly the tokens asked for.
const endless = { endOfTurnBias: -10 };
const firstDelta = Buffer.from('"content_block_delta"'); // what the client scans each read for
const models =
  values.model === undefined
    ? [
        { label: 'test model (64 × 2 layers, 1.6 MB)', path: await tinyGgufPath(endless) },
        {
          label: 'small model (512 × 8 layers, 28M params, f16)',
          path: await tinyGgufPath({
            ...endless,
            shape: {
              embeddingLength: 512,
              blockCount: 8,
              headCount: 8,
              headCountKv: 4,
              feedForwardLength: 1536,
            },
            weightType: 'f16',
          }),
        },
      ]
    : [{ label: `\`${values.model}\``, path: values.model }];

// llama.cpp reports the scratch memory its graphs need ("compute buffer") only in its log; the
// direct context is made with the same settings as Ferry's, so its figure is Ferry's too.
let computeBufferBytes = 0;
// On some CPUs llama.cpp copies most weights into a layout for the CPU's matrix units (AMX on
// recent Intel Xeons, "CPU_REPACK" elsewhere) and keeps the mapped file too: a second copy of
// the model's weights, in every program that runs the model there. Also from the log.
let repackedWeightBytes = 0;
const llama = await getLlama({
  gpu: false,
  build: 'never',
  logLevel: LlamaLogLevel.debug,
  logger: (_level, message) => {
    const match = /CPU compute buffer size = +([\d.]+) MiB/.exec(message);
    if (match) computeBufferBytes = Number(match[1]) * 1024 * 1024;
    const weights = /(\S+) model buffer size = +([\d.]+) MiB/.exec(message);
    if (weights && weights[1] !== 'CPU_Mapped' && weights[1] !== 'CPU')
      repackedWeightBytes += Number(weights[2]) * 1024 * 1024;
  },
});
const results = [];
for (const entry of models) results.push({ ...entry, ...(await measure(entry.path)) });
await llama.dispose();

const section = report(results);
process.stdout.write(`${section}\n`);
if (!values['no-write']) {
  const docPath = new URL('../docs/benchmarks.md', import.meta.url);
  writeFileSync(
    docPath,
    replaceSection(readFileSync(docPath, 'utf8'), '## Embedded engine', section),
  );
}

async function measure(modelPath) {
  const ferry = await startFerry(modelPath);
  repackedWeightBytes = 0;
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  computeBufferBytes = 0; // llama.cpp's log reaches JavaScript a little later: read at the end
  // Ferry's batch size on the CPU, so both sides have the same context.
  const batchSize = defaultBatchSize(0);
  const context = await model.createContext({ contextSize, sequences: 1, threads, batchSize });
  const rig = { ferry, model, sequence: context.getSequence() };
  const speed = { direct: [], ferry: [] };
  await directTokensPerSecond(rig, 50); // warm-up, both sides
  await ferryTokensPerSecond(rig, 50);
  // Short alternating rounds, compared in pairs: the machine's speed drifts (a shared VM), and a
  // pair's two halves see nearly the same machine.
  for (let round = 0; round < speedRounds; round++) {
    const first = round % 2 === 0 ? 'direct' : 'ferry';
    for (const side of first === 'direct' ? ['direct', 'ferry'] : ['ferry', 'direct']) {
      speed[side].push(
        side === 'direct'
          ? await directTokensPerSecond(rig, tokens)
          : await ferryTokensPerSecond(rig, tokens),
      );
    }
  }
  const reuse = [];
  for (let round = 0; round < rounds; round++) reuse.push(await secondTurn(rig, round));
  const memory = await memoryFigures(ferry.pid, modelPath);
  await ferry.stop();
  await context.dispose();
  await model.dispose();
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  return {
    directTps: median(speed.direct),
    ferryTps: median(speed.ferry),
    ratio: median(speed.ferry.map((ferryTps, round) => ferryTps / speed.direct[round])),
    coldMs: median(reuse.map((entry) => entry.coldMs)),
    warmMs: median(reuse.map((entry) => entry.warmMs)),
    promptTokens: reuse[0].promptTokens,
    cachedTokens: reuse[0].cachedTokens,
    computeBytes: computeBufferBytes,
    ...memory,
  };
}

/** node-llama-cpp alone: evaluate a short prompt, then sample `count` tokens. */
async function directTokensPerSecond({ model, sequence }, count) {
  await sequence.clearHistory();
  const prompt = model.tokenize(
    `<|im_start|>user\nRound ${Math.random()}<|im_end|>\n<|im_start|>assistant\n`,
    true,
  );
  let produced = 0;
  let first = 0;
  for await (const _token of sequence.evaluate(prompt, { temperature: 1, seed: produced })) {
    if (produced === 0) first = performance.now();
    if (++produced >= count) break;
  }
  return (produced - 1) / ((performance.now() - first) / 1000);
}

/** The same through Ferry: a streamed request, tokens from the reported usage. */
async function ferryTokensPerSecond({ ferry }, count) {
  const { firstMs, endMs, usage } = await stream(ferry, {
    max_tokens: count,
    messages: [{ role: 'user', content: `Round ${Math.random()}` }],
  });
  return (usage.output_tokens - 1) / ((endMs - firstMs) / 1000);
}

/** Cold first turn of a ~4k-token conversation, then its second turn on the warm cache. */
async function secondTurn({ ferry }, round) {
  const system = `Session ${round} ${Math.random()}. ${'You follow the project rules closely. '.repeat(240)}`;
  const history = [
    {
      role: 'user',
      content: `Read the notes. ${'The build uses TypeScript and vitest. '.repeat(30)}`,
    },
  ];
  const cold = await stream(ferry, { system, max_tokens: 20, messages: history });
  const warm = await stream(ferry, {
    system,
    max_tokens: 20,
    messages: [
      ...history,
      { role: 'assistant', content: cold.text || 'ok' },
      { role: 'user', content: 'Now fix the failing test.' },
    ],
  });
  return {
    coldMs: cold.firstMs - cold.startMs,
    warmMs: warm.firstMs - warm.startMs,
    promptTokens: warm.usage.input_tokens + warm.usage.cache_read_input_tokens,
    cachedTokens: warm.usage.cache_read_input_tokens,
  };
}

async function stream(ferry, body) {
  const startMs = performance.now();
  // Kept cheap on purpose, since the client shares the cores with Ferry and the engine (the
  // direct side has no client at all): node:http rather than fetch's web streams (a third of
  // the CPU per token on the test model), each read only scanned for the first delta, the
  // events parsed at the end.
  const { status, chunks, firstMs } = await new Promise((resolve, reject) => {
    const request = http.request(
      `${ferry.url}/v1/messages`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'bench' } },
      (response) => {
        const chunks = [];
        let firstMs = 0;
        let tail = Buffer.alloc(0); // the marker may straddle two reads
        response.on('data', (chunk) => {
          chunks.push(chunk);
          if (firstMs !== 0) return;
          if (Buffer.concat([tail, chunk]).includes(firstDelta)) firstMs = performance.now();
          else tail = chunk.subarray(-firstDelta.length);
        });
        response.on('end', () => resolve({ status: response.statusCode, chunks, firstMs }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify({ model: 'claude-opus-5-5', stream: true, ...body }));
  });
  const endMs = performance.now();
  const received = Buffer.concat(chunks).toString();
  if (status !== 200) throw new Error(`Ferry answered ${status}: ${received}`);
  let usage;
  let text = '';
  for (const data of received.matchAll(/^data: (.*)$/gm)) {
    const event = JSON.parse(data[1]);
    if (event.type === 'content_block_delta') text += event.delta.text ?? '';
    else if (event.type === 'message_delta') usage = event.usage;
    else if (event.type === 'error') throw new Error(event.error.message);
  }
  return { startMs, firstMs, endMs, usage, text };
}

/** Ferry's peak RSS less the model's weights (the file, and any repacked copy) and KV cache. */
async function memoryFigures(pid, modelPath) {
  const modelBytes = statSync(modelPath).size;
  const kvBytes = await kvCacheBytes(modelPath);
  const repackedBytes = repackedWeightBytes;
  const peakRss = processStats(pid).peakRssMb * 1e6;
  const ownRss = peakRss - modelBytes - repackedBytes - kvBytes;
  return { peakRss, modelBytes, repackedBytes, kvBytes, ownRss };
}

/** K and V at f16 for every layer and token of the context (one sequence: --parallel 1). */
async function kvCacheBytes(modelPath) {
  const { metadata } = await readGgufFileInfo(modelPath, { readTensorInfo: false });
  const arch = metadata[metadata.general.architecture];
  const heads = arch.attention.head_count;
  const kvHeads = arch.attention.head_count_kv ?? heads;
  const headDim = arch.embedding_length / heads;
  return arch.block_count * contextSize * 2 * kvHeads * headDim * 2;
}

async function startFerry(modelPath) {
  const child = spawn(
    ferryCommand,
    [
      'serve',
      '--model',
      modelPath,
      '--threads',
      String(threads),
      '--ctx-size',
      String(contextSize),
      '--parallel',
      '1',
      '--gpu-layers',
      '0',
      '--port',
      '0',
      '--log-level',
      'info',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`ferry exited (${code})`)));
    createInterface({ input: child.stderr }).on('line', (line) => {
      const match = /Ferry listening on (\S+)"/.exec(line);
      if (match) resolve(match[1]);
    });
  });
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

function report(results) {
  const mb = (bytes) => (bytes / 1e6).toFixed(1);
  const mark = (ok) => (ok ? '✓' : '✗');
  const rows = results.map((r) => {
    const { ratio } = r;
    const reuse = r.warmMs / r.coldMs;
    return `| ${r.label} | ${r.directTps.toFixed(0)} / ${r.ferryTps.toFixed(0)} | **${ratio.toFixed(3)}** ${mark(ratio >= 0.95)} | ${r.coldMs.toFixed(1)} / ${r.warmMs.toFixed(1)} | **${reuse.toFixed(3)}** ${mark(reuse <= 0.2)} | ${r.cachedTokens} / ${r.promptTokens} | ${mb(r.peakRss)} − ${mb(r.modelBytes)} − ${mb(r.repackedBytes)} − ${mb(r.kvBytes)} = **${mb(r.ownRss)}** ${mark(r.ownRss <= 100e6)} | ${mb(r.computeBytes)} |`;
  });
  return `## Embedded engine

Measured by [\`bench/embedded-engine.mjs\`](../bench/embedded-engine.mjs) (\`npm run bench:embedded\`) on
${cpus().length} × ${cpus()[0].model.trim()}, Node ${process.version}, on ${new Date().toISOString().slice(0, 10)}:
${threads} thread(s), a ${contextSize}-token context; tokens/s from ${speedRounds} alternating pairs of rounds (the ratio is
the median of the pairs' ratios), TTFT from ${rounds} conversations (medians). Direct is
node-llama-cpp's own token loop in the benchmark process (with Ferry's batch size); Ferry is \`bin/ferry serve --model\` in its
own process, streamed over HTTP to a lean \`node:http\` client that shares the cores. Tokens/s is counted from the
first token to the last of ${tokens}. Time to first token (TTFT) is to the first content delta, for a
~4k-token conversation sent cold and then as its second turn. Memory is Ferry's peak RSS (VmHWM)
minus the model file, the copy of the weights llama.cpp repacks for this CPU's matrix units
(AMX on recent Intel Xeons; none on the AMD EPYC of the earlier rounds; from its own log) and
the KV cache; llama.cpp's compute buffer (its scratch memory for a batch, also from its log) is
part of what remains. Targets: ratio ≥ 0.95, second turn ≤ 0.2 ×
cold, own memory ≤ 100 MB.

| model | tokens/s direct / Ferry | ratio | TTFT cold / 2nd turn (ms) | 2nd / cold | cached / prompt tokens | peak RSS − model − repacked weights − KV = own (MB) | of which llama.cpp compute buffer (MB) |
|---|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}
`;
}
