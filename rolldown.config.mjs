// What `bin/ferry` runs: tsc's output (dist/) bundled with its pure-JavaScript dependencies into
// dist/bundle/, minified. A process that loads ~300 modules keeps each one's source text,
// module record and scope data in V8's heap; one minified bundle keeps much less. Measured at
// 64 Claude Code streams: peak RSS 4–9 MB lower (below the 120 MB target in three paired runs),
// CPU and throughput unchanged (docs/benchmarks.md, "Memory"). The commands, the upstream
// client and the engine stay separate chunks, loaded only when used.
//
// node-llama-cpp stays in node_modules: it finds its native builds relative to its own files.
// So do the modules below that Ferry never loads.
// Stack traces name minified code; the source maps beside the chunks make them readable with
// NODE_OPTIONS=--enable-source-maps.
import { defineConfig } from 'rolldown';

export default defineConfig({
  input: 'dist/cli/main.js',
  platform: 'node',
  external: [
    'node-llama-cpp',
    // Fastify's schema compilers and its inject() client: Ferry has no route schemas and never
    // injects, so Fastify never loads them. Left out, their code does not sit in memory
    // (~1 MB less at idle, ~2 MB at the peak under load).
    /^@fastify\/(ajv-compiler|fast-json-stringify-compiler)/,
    /^(ajv|ajv-formats|fast-json-stringify|fast-uri|light-my-request)(\/|$)/,
  ],
  logLevel: 'warn',
  output: {
    dir: 'dist/bundle',
    cleanDir: true, // chunk names carry content hashes: no stale chunks from earlier builds
    format: 'esm',
    minify: true,
    // Functions and classes keep their `name`: logs name error classes by it (pino's `type`).
    keepNames: true,
    // V8 keeps a module's source text for as long as the module lives, at two bytes a
    // character if a single one is outside Latin-1 (box drawing in a progress bar, an emoji in
    // a chat template's test). Escaped, every chunk is stored at one byte a character.
    charset: 'ascii',
    sourcemap: true,
  },
});
