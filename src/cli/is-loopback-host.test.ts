import { expect, test } from 'vitest';
import { isLoopbackHost } from './is-loopback-host.js';

test.each([
  ['127.0.0.1', true],
  ['127.0.0.2', true],
  ['127.255.10.3', true],
  ['localhost', true],
  ['::1', true],
  ['[::1]', true],
  ['0:0:0:0:0:0:0:1', true],
  ['::ffff:127.0.0.5', true],
  ['0.0.0.0', false],
  ['::', false],
  ['128.0.0.1', false],
  ['192.168.1.10', false],
  ['::ffff:10.0.0.1', false],
  ['127.example.com', false],
  ['gpu-box', false],
])('%s → %s', (host, loopback) => {
  expect(isLoopbackHost(host)).toBe(loopback);
});
