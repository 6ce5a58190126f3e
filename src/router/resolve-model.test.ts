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

// What Ollama and LM Studio list: every model pulled, the last used first, with tags.
const pulled = ['nomic-embed-text:latest', 'qwen3-coder:latest', 'llama3.2:3b'];

test.each([
  ['qwen3-coder', 'qwen3-coder:latest'],
  ['llama3.2', undefined],
  ['llama3.2:3b', 'llama3.2:3b'],
  ['claude-sonnet-4-5', 'qwen3-coder:latest'],
])('among pulled models, %s → %s', (requested, expected) => {
  expect(resolveModel(requested, pulled)).toBe(expected);
});

test('a list of embedding models only still answers claude-* with its first', () => {
  expect(resolveModel('claude-opus-5-5', ['bge-m3:latest'])).toBe('bge-m3:latest');
});
