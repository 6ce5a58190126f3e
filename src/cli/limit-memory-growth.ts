import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings for a long-running `ferry serve`, set at run time (before the first upstream
 * connection) so they hold however Ferry is started. Measured with
 * bench/node-flags-comparison.mjs (docs/benchmarks.md, "Memory"):
 *
 * - `--liftoff-only`: undici parses HTTP with llhttp compiled to WebAssembly; optimising that
 *   one large function with TurboFan takes ~30 MB for a moment, which was Ferry's peak RSS at
 *   start-up. The baseline compiler's code showed no throughput difference.
 * - `--heap-growing-percent=50`: V8 otherwise lets the old generation grow to about four times
 *   the live heap (~21 MB) under a high allocation rate before collecting; 1.5× keeps the
 *   peak RSS under 64 Claude-Code-sized streams ~65 MB lower for a few percent of throughput.
 */
export function limitMemoryGrowth(): void {
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--heap-growing-percent=50');
}
