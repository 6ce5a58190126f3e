import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * V8 settings for a long-running Ferry, set at run time (before anything else is loaded) so
 * they hold however Ferry is started; V8 reads these flags when it decides, not only at start.
 * Measured with bench/node-flags-comparison.mjs and bench/embedded-engine.mjs
 * (docs/benchmarks.md, "Memory"):
 *
 * - `--liftoff-only`: undici parses HTTP with llhttp compiled to WebAssembly; optimising that
 *   one large function with TurboFan takes ~30 MB for a moment, which was Ferry's peak RSS at
 *   start-up. The baseline compiler's code showed no throughput difference.
 * - `--heap-growing-percent=50`: V8 otherwise lets the old generation grow to about four times
 *   the live heap under a high allocation rate before collecting; 1.5× keeps the peak RSS under
 *   64 Claude-Code-sized streams ~65 MB lower for a few percent of throughput.
 * - `--semi-space-growth-factor=1`: the young generation keeps its initial 1 MB semi-spaces
 *   instead of doubling to 16 MB (~35 MB of RSS at the peak). Growth is allowed again, up to a
 *   bound, by `allowYoungGenerationGrowth` where throughput needs it.
 */
export function limitMemoryGrowth(): void {
  const given = v8FlagsGivenAtStart(process.execArgv, process.env.NODE_OPTIONS);
  const settings: Array<[flag: string, leftToTheUserBy: readonly string[]]> = [
    ['--liftoff-only', ['--liftoff-only', '--liftoff']],
    ['--heap-growing-percent=50', ['--heap-growing-percent']],
    ['--semi-space-growth-factor=1', youngGenerationFlags],
  ];
  for (const [flag, leftToTheUserBy] of settings) {
    if (!leftToTheUserBy.some((name) => given.has(name))) setFlagsFromString(flag);
  }
}

/**
 * A young-generation size or growth given at start means the user wants V8 to size it that
 * way: Ferry's own young-generation settings then stand aside.
 */
const youngGenerationFlags = ['--semi-space-growth-factor', '--max-semi-space-size'] as const;

/**
 * The names of the V8 flags given when Node started, on its command line or in NODE_OPTIONS
 * (`--name`, with `_` spelled `-` as V8 allows either; `--no-name` counts as `--name`). A
 * setting the user gave there, to try another value, wins over Ferry's.
 */
export function v8FlagsGivenAtStart(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): Set<string> {
  const names = new Set<string>();
  for (const arg of [...execArgv, ...(nodeOptions ?? '').split(/\s+/)]) {
    if (!arg.startsWith('--')) continue;
    const name = arg.split('=')[0]!.replaceAll('_', '-');
    names.add(name.startsWith('--no-') ? `--${name.slice(5)}` : name);
  }
  return names;
}

/**
 * Lets the young generation double again, up to `semiSpaceMb` per semi-space (V8's own bound,
 * `--max-semi-space-size`, can only be set when the process starts). A gateway under load
 * allocates ~0.7 MB per Claude-Code request, most of it dead within the request; small
 * semi-spaces promote it to the old generation and collect it there at several times the
 * cost. After each collection the growth factor is set from the current size, so the young
 * generation grows to the bound, stops there, and may grow back after V8 shrinks it when idle.
 */
export function allowYoungGenerationGrowth(semiSpaceMb: number): void {
  const given = v8FlagsGivenAtStart(process.execArgv, process.env.NODE_OPTIONS);
  if (youngGenerationFlags.some((name) => given.has(name))) return;
  // The new space is reported as both semi-spaces together.
  const bound = 2 * semiSpaceMb * 1024 * 1024;
  let growing = false;
  const update = (): void => {
    const size = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    const grow = size !== undefined && size.space_size < bound;
    if (grow === growing) return;
    growing = grow;
    setFlagsFromString(`--semi-space-growth-factor=${grow ? 2 : 1}`);
  };
  update();
  new PerformanceObserver(update).observe({ entryTypes: ['gc'] });
}

/**
 * A full garbage collection, now. For start-up work that leaves megabytes of garbage behind in
 * a process whose later work may not call for a full collection for a long time: node-llama-cpp
 * reads a model's GGUF header through a buffer 4 MB longer than the header, which otherwise
 * stayed in memory while the engine generated (the embedded engine's peak RSS 4–5 MB lower).
 */
export function collectGarbage(): void {
  // Node exposes `gc` only to contexts created while --expose-gc is set.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  gc();
}
