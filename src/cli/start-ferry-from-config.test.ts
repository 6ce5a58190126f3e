import { expect, test } from 'vitest';
import { configSchema } from '../config/config-schema.js';
import { ignoredEngineSettings, secretsOf } from './start-ferry-from-config.js';

test('keys and a password in the upstream URL are redacted from logs', () => {
  const config = configSchema.parse({
    upstream: 'http://user:hunter%232@gpu:8001/v1',
    apiKey: 'client-key',
    upstreamApiKey: 'upstream-key',
  });
  expect(secretsOf(config).sort()).toEqual([
    'client-key',
    'hunter#2',
    'hunter%232',
    'upstream-key',
  ]);
  expect(secretsOf(configSchema.parse({ upstream: 'http://gpu:8001/v1' }))).toEqual([]);
});

test('settings of the embedded engine given with an upstream are named as ignored', () => {
  const withUpstream = { upstream: 'http://gpu:8001/v1', ctxSize: 4096, chatTemplate: 't.jinja' };
  expect(ignoredEngineSettings(configSchema.parse(withUpstream))).toEqual([
    '--ctx-size',
    '--chat-template',
  ]);
  expect(ignoredEngineSettings(configSchema.parse({ model: 'm.gguf', ctxSize: 4096 }))).toEqual([]);
});
