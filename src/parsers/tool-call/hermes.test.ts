import { expect, it } from 'vitest';
import { checkVectors } from '../test-helpers/check-vectors.js';
import { summarizeParts } from '../test-helpers/summarize-parts.js';
import { createHermesParser } from './hermes.js';

const weather = (city: string) =>
  `<tool_call>\n{"name": "get_weather", "arguments": {"city": "${city}", "days": 3}}\n</tool_call>`;

checkVectors('hermes', createHermesParser, [
  {
    name: 'plain text, including text that merely looks like a delimiter',
    input: 'Use a <tool> tag, or <tool_call_x>; a < b and </tool_call> alone is fine. 東京 🌸',
    expected: [
      { text: 'Use a <tool> tag, or <tool_call_x>; a < b and </tool_call> alone is fine. 東京 🌸' },
    ],
  },
  {
    name: 'one call',
    input: weather('Paris'),
    expected: [{ call: 'get_weather', input: { city: 'Paris', days: 3 } }],
  },
  {
    name: 'text, a call, text',
    input: `I'll check the weather.\n\n${weather('Paris')}\nThat is all.`,
    expected: [
      { text: "I'll check the weather.\n\n" },
      { call: 'get_weather', input: { city: 'Paris', days: 3 } },
      { text: '\nThat is all.' },
    ],
  },
  {
    name: 'parallel calls with unicode',
    input: `${weather('Paris')}\n${weather('東京 🌸')}\n`,
    expected: [
      { call: 'get_weather', input: { city: 'Paris', days: 3 } },
      { call: 'get_weather', input: { city: '東京 🌸', days: 3 } },
    ],
  },
  {
    name: 'nested JSON with braces and quotes inside strings',
    input:
      '<tool_call>\n{"name": "write_file", "arguments": {"path": "a.js", "content": "function f() { return \\"}{\\"; }\\n"}}\n</tool_call>',
    expected: [
      { call: 'write_file', input: { path: 'a.js', content: 'function f() { return "}{"; }\n' } },
    ],
  },
  {
    name: 'close and open tags inside JSON strings',
    input:
      '<tool_call>\n{"name": "write_file", "arguments": {"path": "a.md", "content": "a </tool_call> b \\"<tool_call>\\" c"}}\n</tool_call>',
    expected: [
      {
        call: 'write_file',
        input: { path: 'a.md', content: 'a </tool_call> b "<tool_call>" c' },
      },
    ],
  },
  {
    name: 'an object missing a brace is passed on at its close tag, the next call still read',
    input: `<tool_call>{"name": "get_weather", "arguments": {"city": "Oslo"}</tool_call>\n${weather('Paris')}`,
    expected: [
      { text: '<tool_call>{"name": "get_weather", "arguments": {"city": "Oslo"}</tool_call>\n' },
      { call: 'get_weather', input: { city: 'Paris', days: 3 } },
    ],
    warns: true,
  },
  {
    name: 'a broken quote does not swallow the text and the call after the call it breaks',
    input: `<tool_call>\n{"name": "f", "arguments": {"x": "5" tall"}}\n</tool_call>\nSome text.\n${weather('Paris')}`,
    expected: [
      {
        text: '<tool_call>\n{"name": "f", "arguments": {"x": "5" tall"}}\n</tool_call>\nSome text.\n',
      },
      { call: 'get_weather', input: { city: 'Paris', days: 3 } },
    ],
    warns: true,
  },
  {
    name: 'a broken quote on one line: the next call right after the close tag is read',
    input:
      '<tool_call>{"name": "f", "arguments": {"x": "5" tall"}}</tool_call><tool_call>{"name": "list_files"}</tool_call>',
    expected: [
      { text: '<tool_call>{"name": "f", "arguments": {"x": "5" tall"}}</tool_call>' },
      { call: 'list_files', input: {} },
    ],
    warns: true,
  },
  {
    name: 'a broken quote whose string never breaks a line: the reply end goes back to its close',
    input:
      '<tool_call>{"name": "f", "arguments": {"x": "5" tall"}}</tool_call> See "quoted" text <tool_call>{"name": "list_files"}</tool_call>',
    expected: [
      {
        text: '<tool_call>{"name": "f", "arguments": {"x": "5" tall"}}</tool_call> See "quoted" text ',
      },
      { call: 'list_files', input: {} },
    ],
    warns: true,
  },
  {
    name: 'arguments as a JSON string, and a call without arguments',
    input:
      '<tool_call>{"name": "get_weather", "arguments": "{\\"city\\": \\"Oslo\\"}"}</tool_call><tool_call>{"name": "list_files"}</tool_call>',
    expected: [
      { call: 'get_weather', input: { city: 'Oslo' } },
      { call: 'list_files', input: {} },
    ],
  },
  {
    name: 'malformed JSON is passed on verbatim',
    input:
      'Checking.\n<tool_call>\n{"name": "get_weather", "arguments": {"city": }}\n</tool_call>\nok',
    expected: [
      {
        text: 'Checking.\n<tool_call>\n{"name": "get_weather", "arguments": {"city": }}\n</tool_call>\nok',
      },
    ],
    warns: true,
  },
  {
    name: 'a call cut off at the end is passed on verbatim',
    input: `${weather('Paris')}\nAnd <tool_call>\n{"name": "get_weather", "argu`,
    expected: [
      { call: 'get_weather', input: { city: 'Paris', days: 3 } },
      { text: '\nAnd <tool_call>\n{"name": "get_weather", "argu' },
    ],
    warns: true,
  },
  {
    name: 'a complete call missing only its close tag is accepted',
    input: '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Rome"}}\n',
    expected: [{ call: 'get_weather', input: { city: 'Rome' } }],
  },
]);

it('hermes: text after a broken call streams once its line ends, before the reply does', () => {
  const parser = createHermesParser({ toolSchemas: new Map() });
  const broken = '<tool_call>{"name": "f", "arguments": {"x": "5" tall"}}</tool_call>';
  expect(summarizeParts(parser.push(`${broken} Some text.\nMore`))).toEqual([
    { text: `${broken} Some text.\nMore` },
  ]);
});
