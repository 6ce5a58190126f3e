import { expect, test } from 'vitest';
import { parseCutToolInput, parseToolInput } from './parse-tool-input.js';

test.each<{ name: string; json: string; input: unknown }>([
  { name: 'whole arguments', json: '{"path":"/a","n":2}', input: { path: '/a', n: 2 } },
  { name: 'not valid JSON: kept as written', json: '{"x": nope', input: '{"x": nope' },
])('parseToolInput: $name', ({ json, input }) => {
  expect(parseToolInput(json)).toEqual(input);
});

test.each<{ name: string; json: string; input: unknown }>([
  {
    name: 'cut inside a string value',
    json: '{"path":"/a","content":"line one\\nli',
    input: { path: '/a' },
  },
  { name: 'cut after a closed string', json: '{"path":"/a"', input: { path: '/a' } },
  {
    name: 'cut inside a number (it may have had more digits)',
    json: '{"path":"/a","n":12',
    input: { path: '/a' },
  },
  { name: 'cut inside a literal', json: '{"ok":tr', input: {} },
  { name: 'cut after a key', json: '{"path":"/a","content":', input: { path: '/a' } },
  { name: 'cut inside the first key', json: '{"pa', input: {} },
  {
    name: 'cut inside a nested object and array',
    json: '{"edits":[{"old":"a","new":"b"},{"old":"c","ne',
    input: { edits: [{ old: 'a', new: 'b' }, { old: 'c' }] },
  },
  { name: 'no object at all: kept as written', json: 'path=/a', input: 'path=/a' },
  { name: 'a top-level array: kept as written', json: '[1,2', input: '[1,2' },
])('parseCutToolInput: $name', ({ json, input }) => {
  expect(parseCutToolInput(json)).toEqual(input);
});
