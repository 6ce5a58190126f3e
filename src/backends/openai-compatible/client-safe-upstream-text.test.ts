import { expect, test } from 'vitest';
import { clientSafeUpstreamText } from './client-safe-upstream-text.js';

const withheld = "the upstream failed; its error text is in Ferry's log";

test.each([
  { name: 'a plain message is kept', text: 'model is loading', shown: 'model is loading' },
  {
    name: 'a model directory or a URL is no file path',
    text: 'The model `/models/qwen3` does not exist; see https://docs.vllm.ai/en/x.html',
    shown: 'The model `/models/qwen3` does not exist; see https://docs.vllm.ai/en/x.html',
  },
  {
    name: 'an HTML page',
    text: '<!DOCTYPE html><p>x</p>',
    shown: 'the upstream answered with an HTML page',
  },
  {
    name: 'a Python traceback keeps its exception',
    text: 'Traceback (most recent call last):\n  File "/usr/lib/python3/vllm/x.py", line 9, in run\n    raise RuntimeError("CUDA out of memory")\nRuntimeError: CUDA out of memory\n',
    shown: 'RuntimeError: CUDA out of memory',
  },
  {
    name: 'a chained traceback keeps the last exception',
    text: 'Traceback (most recent call last):\n  File "/a.py", line 1\nKeyError: x\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\n  File "/b.py", line 2\nValueError: y',
    shown: 'ValueError: y',
  },
  {
    name: 'a traceback cut before its exception',
    text: 'Traceback (most recent call last):\n  File "/usr/lib/python3/vllm/x.py", line 9',
    shown: withheld,
  },
  {
    name: 'a JavaScript stack keeps its first line',
    text: 'Error: boom\n    at handler (/srv/app/index.js:12:7)\n    at process (node:internal/x:1:1)',
    shown: 'Error: boom',
  },
  {
    name: 'one line naming a source file',
    text: 'assertion failed at /build/llama.cpp/src/llama.cpp:1234',
    shown: withheld,
  },
  { name: 'a Windows path', text: 'cannot open C:\\srv\\models\\config.json', shown: withheld },
])('$name', ({ text, shown }) => {
  const result = clientSafeUpstreamText(text);
  expect(result.text).toBe(shown);
  expect(result.shortened).toBe(shown !== text.trim());
});

test('a long text is cut, and said to be', () => {
  expect(clientSafeUpstreamText('x'.repeat(20), 10)).toEqual({
    text: `${'x'.repeat(10)}…`,
    shortened: true,
  });
});
