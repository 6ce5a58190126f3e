import { partialParse } from '@anthropic-ai/sdk/_vendor/partial-json-parser/parser';
import { expect, test } from 'vitest';
import { ToolInputFilter } from './tool-input-filter.js';

/** Runs the filter over `pieces`; returns what went out after each piece and at the end. */
function filter(pieces: readonly string[]): { outputs: string[]; problem: string | undefined } {
  const tool = new ToolInputFilter();
  const outputs = pieces.map((piece) => tool.push(piece));
  outputs.push(tool.end());
  return { outputs, problem: tool.problem };
}

/** Every way to cut `text` in two, and in single characters. */
function chunkings(text: string): string[][] {
  const ways = [[text], [...text]];
  for (let cut = 1; cut < text.length; cut++) ways.push([text.slice(0, cut), text.slice(cut)]);
  return ways;
}

test.each<{ name: string; text: string; input: unknown; problem?: RegExp }>([
  { name: 'clean arguments', text: '{"city":"Paris","days":3}', input: { city: 'Paris', days: 3 } },
  { name: 'an empty object', text: '{}', input: {} },
  {
    name: 'nested values, escapes and numbers',
    text: ' {"a":[1,-2.5e+3,0,{"b":null}],"s":"q\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9","t":true,"f":false} ',
    input: { a: [1, -2500, 0, { b: null }], s: 'q"\\/\b\f\n\r\té', t: true, f: false },
  },
  { name: 'no arguments at all', text: '', input: {} },
  { name: 'only whitespace', text: '  \n', input: {} },
  {
    name: 'a stray } after the object',
    text: '{"city":"Paris"}}',
    input: { city: 'Paris' },
    problem: /after the arguments/,
  },
  {
    name: 'two objects back to back: the first is kept',
    text: '{"a":1}{"b":2}',
    input: { a: 1 },
    problem: /after the arguments/,
  },
  {
    name: 'raw newlines and tabs inside a string',
    text: '{"content":"line one\nline\ttwo\u0001"}',
    input: { content: 'line one\nline\ttwo\u0001' },
    problem: /control characters/,
  },
  {
    name: 'an unknown escape keeps its backslash',
    text: '{"pattern":"\\d+\\.ts"}',
    input: { pattern: '\\d+\\.ts' },
    problem: /invalid escape/,
  },
  {
    name: "\\' is a plain quote",
    text: '{"s":"it\\\'s"}',
    input: { s: "it's" },
    problem: /invalid escape/,
  },
  {
    name: 'trailing commas',
    text: '{"a":[1,2,],"b":{"c":1,},}',
    input: { a: [1, 2], b: { c: 1 } },
    problem: /trailing comma/,
  },
  {
    name: "Python's literals",
    text: '{"a":True,"b":False,"c":None}',
    input: { a: true, b: false, c: null },
    problem: /True became true/,
  },
  {
    name: 'an object encoded as a string',
    text: '"{\\"city\\": \\"Paris\\"}"',
    input: { city: 'Paris' },
    problem: /encoded as a JSON string/,
  },
  { name: 'not JSON', text: 'not json', input: {}, problem: /not a JSON object/ },
  { name: 'an array', text: '[1,2]', input: {}, problem: /not a JSON object/ },
  { name: 'a bare string', text: '"str"', input: {}, problem: /not a JSON object/ },
  {
    name: 'a break inside a member drops that member and the rest',
    text: '{"path":"a.txt","content":"x" "y","mode":1}',
    input: { path: 'a.txt' },
    problem: /unexpected "/,
  },
  {
    name: 'an unknown word',
    text: '{"a":1,"b":yes}',
    input: { a: 1 },
    problem: /starting with y/,
  },
  {
    name: 'a word that only starts like a literal',
    text: '{"a":1,"b":nope}',
    input: { a: 1 },
    problem: /unknown word/,
  },
  { name: 'a key without quotes', text: '{a:1}', input: {}, problem: /key that is not a string/ },
  { name: 'a broken number', text: '{"a":1,"b":1.}', input: { a: 1 }, problem: /broken number/ },
  { name: 'a leading zero', text: '{"a":01}', input: {}, problem: /unexpected 1/ },
  { name: 'a broken \\u escape', text: '{"a":"\\u12g4"}', input: {}, problem: /\\u escape/ },
  { name: 'a mismatched closer', text: '{"a":[1}', input: {}, problem: /unexpected }/ },
  {
    name: 'cut inside a string value',
    text: '{"path":"/a","content":"line one\\nli',
    input: { path: '/a' },
    problem: /ended before/,
  },
  {
    name: 'cut inside a number (more digits may have followed)',
    text: '{"path":"/a","n":12',
    input: { path: '/a' },
    problem: /ended before/,
  },
  {
    name: 'cut after a whole member',
    text: '{"path":"/a"',
    input: { path: '/a' },
    problem: /ended before/,
  },
  { name: 'cut inside a literal', text: '{"ok":tr', input: {}, problem: /ended before/ },
  {
    name: 'cut inside a nested array',
    text: '{"path":"/a","edits":[{"old":"a","new":"b"},{"old":"c","ne',
    input: { path: '/a' },
    problem: /ended before/,
  },
  { name: 'cut right after the brace', text: '{', input: {}, problem: /ended before/ },
])('$name', ({ text, input, problem }) => {
  for (const pieces of chunkings(text)) {
    const { outputs, problem: seen } = filter(pieces);
    const joined = outputs.join('');
    expect(joined === '' ? {} : JSON.parse(joined), JSON.stringify(pieces)).toEqual(input);
    // What a client holds after every delta is something the official SDK can read.
    let sent = '';
    for (const output of outputs) {
      sent += output;
      if (sent !== '') expect(() => partialParse(sent)).not.toThrow();
    }
    if (problem === undefined) expect(seen).toBeUndefined();
    else expect(seen).toMatch(problem);
  }
});

test('a member goes out once it is whole, the opening brace at once', () => {
  const { outputs } = filter(['{"a', '":"x', '",', '"b":[1', ',2]', '}']);
  expect(outputs).toEqual(['{', '', '"a":"x"', '', '', ',"b":[1,2]}', '']);
});

test('clean arguments go out byte for byte', () => {
  const text = '{ "a" : [ 1 , 2 ] ,\n  "b" : "c" }';
  expect(filter([text]).outputs.join('')).toBe(text);
});

test('a long string value is scanned in linear time', () => {
  const content = 'x'.repeat(2_000_000);
  const tool = new ToolInputFilter();
  let out = tool.push('{"content":"');
  for (let i = 0; i < content.length; i += 1000) out += tool.push(content.slice(i, i + 1000));
  out += tool.push('"}') + tool.end();
  expect((JSON.parse(out) as { content: string }).content).toHaveLength(content.length);
});
