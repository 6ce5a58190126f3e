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
