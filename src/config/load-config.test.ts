import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadConfig } from './load-config.js';

function configFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-config-'));
  mkdirSync(join(dir, 'conf'));
  const file = join(dir, 'conf', 'ferry.yaml');
  writeFileSync(file, yaml);
  return file;
}

test('paths in the file: ~/ is the home directory, relative ones are relative to the file', async () => {
  const file = configFile(
    'model: ./models/m.gguf\nchatTemplate: ../t.jinja\nmodelCacheDir: ~/.cache/ferry/models\n',
  );
  const config = await loadConfig({}, file);
  expect(config.model).toBe(join(file, '..', 'models', 'm.gguf'));
  expect(config.chatTemplate).toBe(join(file, '..', '..', 't.jinja'));
  expect(config.modelCacheDir).toBe(join(homedir(), '.cache/ferry/models'));
});

test('URIs and inline templates are not paths; a flag stays relative to where it runs', async () => {
  const file = configFile(
    "model: hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q4_K_M\nchatTemplate: '{{ messages }}'\n",
  );
  const config = await loadConfig({}, file);
  expect(config.model).toBe('hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q4_K_M');
  expect(config.chatTemplate).toBe('{{ messages }}');
  expect((await loadConfig({ model: 'm.gguf' }, file)).model).toBe('m.gguf');
});

test('flags win over the file, also in which backend to use', async () => {
  const withUpstream = configFile('upstream: http://gpu:8001/v1\nport: 9000\n');
  const embedded = await loadConfig({ model: '/models/m.gguf' }, withUpstream);
  expect(embedded).toMatchObject({ model: '/models/m.gguf', port: 9000 });
  expect(embedded.upstream).toBeUndefined();
  const withModel = configFile('model: /models/m.gguf\n');
  const gateway = await loadConfig({ upstream: 'http://gpu:8001/v1' }, withModel);
  expect(gateway.upstream).toBe('http://gpu:8001/v1');
  expect(gateway.model).toBeUndefined();
});

test('every problem in a file is named, a line each, in words with the value given', async () => {
  const file = configFile(
    'upstream: ftp://x\nport: 99999\ngpuLayers: lots\nthreads: many\nportt: 1\naliases:\n  haiku: 7\n',
  );
  const error = await loadConfig({}, file).catch((caught: unknown) => caught);
  expect(
    String((error as Error).message)
      .split('\n')
      .sort(),
  ).toEqual(
    [
      `${file}: port: expected at most 65535, got 99999`,
      `${file}: upstream: expected an http:// or https:// URL, got 'ftp://x'`,
      `${file}: aliases.haiku: expected string, got 7`,
      `${file}: gpuLayers: expected a number of layers, auto or max, got 'lots'`,
      `${file}: threads: expected number, got 'many'`,
      `${file}: unknown setting portt`,
    ].sort(),
  );
});

test.each<[Parameters<typeof loadConfig>[0], string]>([
  [{ port: 70000 }, '--port: expected at most 65535, got 70000'],
  [{ threads: 0 }, '--threads: expected at least 1, got 0'],
  [{ ctxSize: 10 }, '--ctx-size: expected at least 64, got 10'],
  [
    { logLevel: 'loud' as never },
    "--log-level: expected fatal, error, warn, info, debug, trace, silent, got 'loud'",
  ],
  [
    { corsOrigins: ['http://localhost:5173/app'] },
    "--cors-origin: expected * or an origin such as http://localhost:5173 (no path), got 'http://localhost:5173/app'",
  ],
])('a flag’s bad value: %j', async (flags, message) => {
  const names = {
    port: '--port',
    threads: '--threads',
    ctxSize: '--ctx-size',
    logLevel: '--log-level',
    corsOrigins: '--cors-origin',
  };
  await expect(loadConfig({ upstream: 'http://x', ...flags }, undefined, names)).rejects.toThrow(
    message,
  );
});

const names = {
  host: '--host',
  upstream: '--upstream',
  upstreamApiKey: '--upstream-api-key',
  model: '--model',
};

test.each<[string, Parameters<typeof loadConfig>[0], string]>([
  ['an empty value', { host: '' }, '--host: expected a non-empty value'],
  [
    'not a URL',
    { upstream: 'gpu:8001' },
    "--upstream: expected an http:// or https:// URL, got 'gpu:8001'",
  ],
  [
    'an endpoint for a base URL',
    { upstream: 'http://gpu:8001/v1/chat/completions' },
    "--upstream: expected the server's base URL (http://gpu:8001/v1), not an endpoint, got 'http://gpu:8001/v1/chat/completions'",
  ],
  [
    'an hf: URI without owner/repo, before any download',
    { model: 'hf:bad' },
    "--model: expected hf:owner/repo[:quant] or hf:owner/repo/file.gguf, got 'hf:bad'",
  ],
  [
    'both backends',
    { upstream: 'http://gpu:8001/v1', model: 'm.gguf' },
    '--model: give either --upstream or --model, not both',
  ],
  [
    'a % in the password that starts no escape',
    { upstream: 'http://user:50%off@gpu:8001/v1' },
    "--upstream: the user:password@ in it is not valid percent-encoding (write % as %25), got 'http://user:***@gpu:8001/v1'",
  ],
  [
    'a key and credentials in the URL',
    { upstream: 'http://u:p@gpu:8001/v1', upstreamApiKey: 'k' },
    '--upstream-api-key: give either it or a user:password@ in --upstream, not both',
  ],
])('flags: %s', async (_name, flags, message) => {
  await expect(loadConfig(flags, undefined, names)).rejects.toThrow(
    new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
  );
});

test('a config file with both backends, or with an empty value, is named by its keys', async () => {
  const file = configFile("upstream: http://gpu:8001/v1\nmodel: m.gguf\nhost: ''\n");
  await expect(loadConfig({}, file, names)).rejects.toThrow(
    `${file}: host: expected a non-empty value`,
  );
  const both = configFile('upstream: http://gpu:8001/v1\nmodel: m.gguf\n');
  await expect(loadConfig({}, both, names)).rejects.toThrow(
    new RegExp(`^${both}: model: give either upstream or model, not both$`),
  );
});

test.each([
  ['', '--config: expected a non-empty value'],
  ['/nonexistent/ferry.yaml', '--config: cannot read /nonexistent/ferry.yaml: no such file'],
  [tmpdir(), `--config: cannot read ${tmpdir()}: is a directory`],
])('--config %j: %s', async (file, message) => {
  await expect(loadConfig({}, file)).rejects.toThrow(message);
});

test('a served name given twice is served once, in the order given', async () => {
  const config = await loadConfig(
    { upstream: 'http://gpu:8001/v1', servedModelNames: ['m1', 'm2', 'm1'] },
    undefined,
  );
  expect(config.servedModelNames).toEqual(['m1', 'm2']);
});

test.each([
  'hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q4_K_M',
  'hf:owner/repo',
  'hf://owner/repo:latest',
  'huggingface:owner/repo/sub/model.Q4_K_M.gguf#main',
  'HF:owner/repo',
])('the model source %s is well formed', async (model) => {
  expect((await loadConfig({ model }, undefined)).model).toBe(model);
});
