import { expect, test } from 'vitest';
import { parseToolInput } from './parse-tool-input.js';

test.each<{ name: string; json: string; input: unknown }>([
  { name: 'whole arguments', json: '{"path":"/a","n":2}', input: { path: '/a', n: 2 } },
  { name: 'not valid JSON: kept as written', json: '{"x": nope', input: '{"x": nope' },
])('parseToolInput: $name', ({ json, input }) => {
  expect(parseToolInput(json)).toEqual(input);
});
