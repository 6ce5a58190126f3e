// The tests' tiny GGUF writer (TypeScript, test/helpers/tiny-gguf/) for benchmarks, which run
// on plain Node: its modules are transpiled once into a temporary directory and imported.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const source = fileURLToPath(new URL('../test/helpers/tiny-gguf/', import.meta.url));

/** Path of a cached tiny model for these writer options (see write-tiny-gguf.ts). */
export async function tinyGgufPath(options = {}) {
  const out = mkdtempSync(join(tmpdir(), 'ferry-bench-tiny-gguf-'));
  for (const file of readdirSync(source)) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    const { outputText } = ts.transpileModule(readFileSync(join(source, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(join(out, file.replace(/\.ts$/, '.js')), outputText);
  }
  try {
    const writer = await import(pathToFileURL(join(out, 'write-tiny-gguf.js')).href);
    return await writer.tinyGgufPath(options);
  } finally {
    rmSync(out, { recursive: true, force: true }); // the model itself lives in the writer's cache
  }
}
