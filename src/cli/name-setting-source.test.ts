import { expect, test } from 'vitest';
import { ConfigError } from '../config/config-error.js';
import { nameSettingSource } from './name-setting-source.js';
import { flagForConfigKey } from './serve-flags.js';

const file = '/etc/ferry.yaml';

test.each([
  // [message, flags given, config file, message after]
  ['--model: no such file: /m.gguf', {}, file, '/etc/ferry.yaml: model: no such file: /m.gguf'],
  ['--model: no such file: /m.gguf', { model: '/m.gguf' }, file, '--model: no such file: /m.gguf'],
  ['--model: no such file: /m.gguf', {}, undefined, '--model: no such file: /m.gguf'],
  [
    "--tool-call-parser 'nope' is not known (hermes, …)",
    {},
    file,
    "/etc/ferry.yaml: toolCallParser: 'nope' is not known (hermes, …)",
  ],
  [
    '--port: 127.0.0.1:8000 is already in use',
    {},
    file,
    '/etc/ferry.yaml: port: 127.0.0.1:8000 is already in use',
  ],
  ['--no-such-flag: x', {}, file, '--no-such-flag: x'],
  ['cannot load the model', {}, file, 'cannot load the model'],
  [
    'modelParsers.qwen.toolCallParser: Unknown tool-call parser "nope"',
    {},
    file,
    '/etc/ferry.yaml: modelParsers.qwen.toolCallParser: Unknown tool-call parser "nope"',
  ],
])('%s (flags %j, file %s)', (message, flags, configFile, expected) => {
  const renamed = nameSettingSource(new ConfigError(message), flags, configFile, flagForConfigKey);
  expect(renamed).toBeInstanceOf(ConfigError);
  expect((renamed as Error).message).toBe(expected);
});

test('the error keeps its code, and other errors pass untouched', () => {
  const inUse = Object.assign(new ConfigError('--port: in use'), { code: 'EADDRINUSE' });
  expect(nameSettingSource(inUse, {}, file, flagForConfigKey)).toMatchObject({
    message: '/etc/ferry.yaml: port: in use',
    code: 'EADDRINUSE',
  });
  const other = new Error('--model: boom');
  expect(nameSettingSource(other, {}, file, flagForConfigKey)).toBe(other);
});
