import { expect, test } from 'vitest';
import { resolveModel } from './resolve-model.js';

const served = ['qwen3-coder', 'Qwen/Qwen3-Coder-30B-A3B-Instruct', 'small-model'];
const aliases = { 'claude-*': 'qwen3-coder', haiku: 'small-model', 'my/alias': 'small-model' };

test.each([
  ['qwen3-coder', {}, 'qwen3-coder'],
  ['Qwen/Qwen3-Coder-30B-A3B-Instruct', {}, 'Qwen/Qwen3-Coder-30B-A3B-Instruct'],
  ['claude-opus-5-5', {}, 'qwen3-coder'],
  ['claude-sonnet-5-5[1m]', {}, 'qwen3-coder'],
  ['claude-haiku-4-5-20251001', aliases, 'small-model'],
  ['claude-opus-5-5', aliases, 'qwen3-coder'],
  ['my/alias', aliases, 'small-model'],
  ['gpt-4o', {}, undefined],
  ['unknown/model', aliases, undefined],
])('%s with aliases %j → %s', (requested, aliasMap, expected) => {
  expect(resolveModel(requested, served, aliasMap)).toBe(expected);
});

test('the default sends claude-* to the first served model', () => {
  expect(resolveModel('claude-fable-5-2', ['only-model'])).toBe('only-model');
});
