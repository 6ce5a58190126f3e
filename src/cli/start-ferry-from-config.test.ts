import { expect, test } from 'vitest';
import { ConfigError } from '../config/config-error.js';
import { configSchema } from '../config/config-schema.js';
import { ignoredEngineSettings, listenError, secretsOf } from './start-ferry-from-config.js';

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
  // Set to their defaults, they are still someone's setting.
  const defaults = { upstream: 'http://gpu:8001/v1', parallel: 2, gpuLayers: 'auto' as const };
  expect(ignoredEngineSettings(configSchema.parse(defaults))).toEqual([
    '--gpu-layers',
    '--parallel',
  ]);
  expect(ignoredEngineSettings(configSchema.parse({ upstream: 'http://gpu:8001/v1' }))).toEqual([]);
  expect(ignoredEngineSettings(configSchema.parse({ model: 'm.gguf', ctxSize: 4096 }))).toEqual([]);
});

test('an ignored setting from the config file is named by its key there, a flag by the flag', () => {
  const config = configSchema.parse({ upstream: 'http://gpu:8001/v1', ctxSize: 4096, threads: 4 });
  const source = { flags: { threads: 4 }, configFile: 'ferry.json' };
  expect(ignoredEngineSettings(config, source)).toEqual(['ctxSize (ferry.json)', '--threads']);
  // No config file: every setting came from a flag.
  expect(ignoredEngineSettings(config, { flags: {}, configFile: undefined })).toEqual([
    '--ctx-size',
    '--threads',
  ]);
});

test.each([
  ['EADDRINUSE', /^--port: 127\.0\.0\.1:8000 is already in use/],
  ['EACCES', /^--port: not allowed to listen on 127\.0\.0\.1:8000/],
  ['EADDRNOTAVAIL', /^--host: 127\.0\.0\.1 is not an address of this machine/],
])('a socket that cannot be bound (%s) is named by its flag', (code, message) => {
  const error = Object.assign(new Error('listen failed'), { code });
  const named = listenError(error, { host: '127.0.0.1', port: 8000 });
  expect(named).toBeInstanceOf(ConfigError);
  expect(named).toHaveProperty('code', code); // ferry claude moves off a port held by another program
  expect((named as Error).message).toMatch(message);
});
