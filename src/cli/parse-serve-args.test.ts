import { expect, test } from 'vitest';
import { parseServeArgs } from './parse-serve-args.js';

test.each<{ argv: string[]; flags: object }>([
  {
    argv: ['--upstream', 'http://gpu:8001/v1', '--port', '9000', '--served-model-name', 'a'],
    flags: { upstream: 'http://gpu:8001/v1', port: 9000, servedModelNames: ['a'] },
  },
  {
    argv: ['--model', 'm.gguf', '--ctx-size=4096', '--gpu-layers', 'max', '--flash-attn', 'off'],
    flags: { model: 'm.gguf', ctxSize: 4096, gpuLayers: 'max', flashAttention: 'off' },
  },
])('parses $argv', ({ argv, flags }) => {
  expect(parseServeArgs(argv).flags).toEqual(flags);
});

test.each<{ argv: string[]; error: string }>([
  { argv: ['--ctx-size', '-5'], error: "--ctx-size: expected a positive whole number, got '-5'" },
  { argv: ['--threads', '-1'], error: "--threads: expected a positive whole number, got '-1'" },
  { argv: ['--parallel', '1.5'], error: "--parallel: expected a positive whole number, got '1.5'" },
  { argv: ['--port', 'eighty'], error: "--port: expected a number from 0 to 65535, got 'eighty'" },
  {
    argv: ['--gpu-layers', 'lots'],
    error: "--gpu-layers: expected a number of layers, auto or max, got 'lots'",
  },
  { argv: ['--nope'], error: "Unknown option '--nope'" },
  { argv: ['--host', ''], error: '--host: expected a non-empty value' },
  { argv: ['--config='], error: '--config: expected a non-empty value' },
  {
    argv: ['--served-model-name', 'a', '--served-model-name', ''],
    error: '--served-model-name: expected a non-empty value',
  },
  {
    argv: ['--port', '--upstream', 'http://x'],
    error:
      "Option '--port' argument is ambiguous. Did you forget to specify the option argument for '--port'?",
  },
])('refuses $argv naming the flag', ({ argv, error }) => {
  expect(() => parseServeArgs(argv)).toThrow(new RegExp(`^${escape(error)}$`));
});

test('arguments after -- are left alone, negative numbers included', () => {
  expect(
    parseServeArgs(['--port', '1', '--', '--max-turns', '-3'], { allowRest: true }).rest,
  ).toEqual(['--max-turns', '-3']);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test.each([
  [['fix', '--', '-p', 'hi'], "unexpected argument 'fix': arguments for Claude Code go after --"],
  [['--port', '1', 'fix'], "unexpected argument 'fix': arguments for Claude Code go after --"],
  [['-p', 'hi'], "Unknown option '-p'; options for Claude Code go after --"],
])('ferry claude: a word or option before -- is refused, naming it: %j', (argv, error) => {
  expect(() => parseServeArgs(argv, { allowRest: true })).toThrow(error);
});

test('without --, nothing is passed on', () => {
  expect(parseServeArgs(['--port', '1'], { allowRest: true }).rest).toEqual([]);
});
