import { afterAll, beforeAll } from 'vitest';
import { loadEmbeddedBackend } from '../../src/backends/llama-cpp/load-embedded-model.js';
import { makeTempDir, removeTempDirs } from '../helpers/make-temp-dir.js';
import { tinyGgufPath } from '../helpers/tiny-gguf/write-tiny-gguf.js';
import { describeBackendConformance, type BackendHarness } from './backend.case.js';

// The embedded engine on the tests' own tiny GGUF. Its random weights never end a turn
// (endOfTurnBias -10), so every text reply runs to max_tokens by itself, and tool calls are
// forced by grammar: the harness has nothing to arrange.
let harness: BackendHarness;
const contextTokens = 2048;

beforeAll(async () => {
  const model = await tinyGgufPath({ endOfTurnBias: -10 });
  const backend = await loadEmbeddedBackend({
    model,
    servedModelNames: ['tiny'],
    ctxSize: contextTokens,
    threads: 1,
    gpuLayers: 0,
    parallel: 2,
    cacheDir: makeTempDir('conformance'),
  });
  const nothing = (): Promise<void> => Promise.resolve();
  harness = {
    backend,
    model: 'tiny',
    contextTokens,
    nextReplyRunsPastMaxTokens: nothing,
    nextReplyIsSlow: nothing,
    nextReplyCallsTool: nothing,
    nextPromptOverflows: nothing,
  };
});

afterAll(async () => {
  await harness.backend.close();
  removeTempDirs();
});

describeBackendConformance('embedded engine (node-llama-cpp)', () => harness, { timeout: 60_000 });
