// What `bin/ferry` runs: tsc's output (dist/) bundled with its JavaScript dependencies into
// dist/bundle/, minified. A process that loads hundreds of modules keeps each one's source text,
// module record and scope data in V8's heap; one minified bundle keeps much less. Measured at
// 64 Claude Code streams: peak RSS 4–9 MB lower (below the 120 MB target in three paired runs),
// CPU and throughput unchanged; node-llama-cpp's ~230 modules bundled took another ~7 MB off the
// embedded engine (docs/benchmarks.md, "Memory"). The commands, the upstream client and the
// engine stay separate chunks, loaded only when used.
//
// Stack traces name minified code; the source maps beside the chunks make them readable with
// NODE_OPTIONS=--enable-source-maps.
import { defineConfig, RolldownMagicString } from 'rolldown';

export default defineConfig({
  input: 'dist/cli/main.js',
  platform: 'node',
  external: [
    // Native code, found by Node's resolution at run time: llama.cpp's prebuilt binaries and
    // the copy-on-write file cloning node-llama-cpp's downloader may use.
    /^@node-llama-cpp\//,
    /^@reflink\//,
    // What node-llama-cpp imports only under Electron, single-executable builds or its CLI.
    'electron',
    'node:sea',
    'typescript',
    // Fastify's schema compilers and its inject() client: Ferry has no route schemas and never
    // injects, so Fastify never loads them. Left out, their code does not sit in memory
    // (~1 MB less at idle, ~2 MB at the peak under load).
    /^@fastify\/(ajv-compiler|fast-json-stringify-compiler)/,
    /^(ajv|ajv-formats|fast-json-stringify|fast-uri|light-my-request)(\/|$)/,
  ],
  plugins: [keepNodeLlamaCppFileUrls(), deferIntlSegmenters()],
  logLevel: 'warn',
  output: {
    dir: 'dist/bundle',
    cleanDir: true, // chunk names carry content hashes: no stale chunks from earlier builds
    format: 'esm',
    minify: true,
    // Functions and classes keep their `name`: logs name error classes by it (pino's `type`).
    keepNames: true,
    // V8 keeps a module's source text for as long as the module lives, at two bytes a
    // character if a single one is outside Latin-1 (box drawing in help text, a tokenizer's
    // word-start mark in a parser, emoji in undici). Escaped, every chunk is stored at one byte
    // a character.
    charset: 'ascii',
    sourcemap: true,
  },
});

/**
 * node-llama-cpp finds its native builds, its package.json and the script it forks to test a
 * binary relative to its own modules' `import.meta.url`. Bundled, that URL would name the
 * bundle's chunk, so each use is rewritten to the module's own file, resolved where
 * node-llama-cpp is installed when Ferry runs.
 */
function keepNodeLlamaCppFileUrls() {
  const packageDist = /[\\/]node_modules[\\/]node-llama-cpp[\\/]dist[\\/](.*)$/;
  return {
    name: 'keep-node-llama-cpp-file-urls',
    transform: {
      filter: { id: packageDist, code: 'import.meta.url' },
      handler(code, id) {
        const [, inDist] = packageDist.exec(id);
        const ownUrl = `new URL(${JSON.stringify(`./${inDist.replaceAll('\\', '/')}`)}, import.meta.resolve('node-llama-cpp')).href`;
        const source = new RolldownMagicString(code);
        source.replaceAll('import.meta.url', ownUrl);
        return {
          code: source.toString(),
          map: source.generateMap({ source: id, hires: true }).toString(),
        };
      },
    },
  };
}

/**
 * string-width and slice-ansi (node-llama-cpp's console output: download progress, tables)
 * create an `Intl.Segmenter` when their module loads, and a bundle loads every module of its
 * chunk at once. The first segmenter maps ICU's break-iteration data into memory (+2.6 MB in a
 * bare `node`, ~0.7 MB of RSS in Ferry, where other code touches part of the same data) for
 * output the server writes only while it downloads a model on a terminal. Each is created on
 * its first use instead.
 */
function deferIntlSegmenters() {
  const helper = '__ferryDeferredSegmenter';
  return {
    name: 'defer-intl-segmenters',
    transform: {
      filter: { id: /[\\/]node_modules[\\/]/, code: 'new Intl.Segmenter(' },
      handler(code, id) {
        const source = new RolldownMagicString(code);
        source.replaceAll('new Intl.Segmenter(', `${helper}(`);
        // A declaration, so it is hoisted above the module's top-level uses.
        source.append(
          `\nfunction ${helper}(...args) {\n` +
            '  let segmenter;\n' +
            '  const real = () => (segmenter ??= new Intl.Segmenter(...args));\n' +
            '  return { segment: (text) => real().segment(text), resolvedOptions: () => real().resolvedOptions() };\n' +
            '}\n',
        );
        return {
          code: source.toString(),
          map: source.generateMap({ source: id, hires: true }).toString(),
        };
      },
    },
  };
}
