import { expect, it } from 'vitest';
import { checkVectors } from '../test-helpers/check-vectors.js';
import { summarizeParts } from '../test-helpers/summarize-parts.js';
import { testToolSchemas } from '../test-helpers/tool-schemas.js';
import { createQwen3CoderParser } from './qwen3_coder.js';

const call = (params: string, name = 'get_weather') =>
  `<tool_call>\n<function=${name}>\n${params}</function>\n</tool_call>`;
const param = (key: string, value: string) => `<parameter=${key}>\n${value}\n</parameter>\n`;

checkVectors('qwen3_coder', createQwen3CoderParser, [
  {
    name: 'plain text with near-delimiters',
    input: 'Try <tool_cal or <function=x> in prose; <tool_callback> is no tag. Ünïcödé 🚀',
    expected: [
      { text: 'Try <tool_cal or <function=x> in prose; <tool_callback> is no tag. Ünïcödé 🚀' },
    ],
  },
  {
    name: 'one call, values typed by the schema',
    input: call(
      param('city', 'Paris') +
        param('days', '3') +
        param('detailed', 'True') +
        param('threshold', '0.5') +
        param('hours', '[9, 12]') +
        param('units', '{"temp": "C"}') +
        param('note', 'null') +
        param('limit', 'none'),
    ),
    expected: [
      {
        call: 'get_weather',
        input: {
          city: 'Paris',
          days: 3,
          detailed: true,
          threshold: 0.5,
          hours: [9, 12],
          units: { temp: 'C' },
          note: null,
          limit: null,
        },
      },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'values that do not fit their type, unknown parameters and unknown tools stay strings',
    input:
      call(param('days', 'three') + param('extra', '42')) + call(param('n', '1'), 'other_tool'),
    expected: [
      { call: 'get_weather', input: { days: 'three', extra: '42' } },
      { call: 'other_tool', input: { n: '1' } },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'text, a multi-line code string, text',
    input: `I will write it.\n${call(param('path', 'src/a.ts') + param('content', 'if (a < b) {\n  return "</x>";\n}\n'), 'write_file')}\nDone ✅`,
    expected: [
      { text: 'I will write it.\n' },
      {
        call: 'write_file',
        input: { path: 'src/a.ts', content: 'if (a < b) {\n  return "</x>";\n}\n' },
      },
      { text: '\nDone ✅' },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'parallel calls, CJK values, a call without parameters',
    input: `${call(param('city', '北京'))}\n${call(param('city', '🌧️ Seattle'))}\n${call('', 'list_files')}`,
    expected: [
      { call: 'get_weather', input: { city: '北京' } },
      { call: 'get_weather', input: { city: '🌧️ Seattle' } },
      { call: 'list_files', input: {} },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'a parameter missing its </parameter> ends at the </function> line',
    input:
      'x <tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</function>\n</tool_call> y',
    expected: [{ text: 'x ' }, { call: 'get_weather', input: { city: 'Paris' } }, { text: ' y' }],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'a parameter missing its </parameter> ends at the next declared parameter',
    input: `<tool_call>\n<function=write_file>\n<parameter=path>\n/a\n${param('content', 'hi')}</function>\n</tool_call>`,
    expected: [{ call: 'write_file', input: { path: '/a', content: 'hi' } }],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'a parameter missing its </parameter> before </function> and another function',
    input:
      '<tool_call>\n<function=get_weather>\n<parameter=city>\nOslo\n</function>\n' +
      '<function=get_weather>\n<parameter=days>\n2\n</parameter>\n</function>\n</tool_call>',
    expected: [
      { call: 'get_weather', input: { city: 'Oslo' } },
      { call: 'get_weather', input: { days: 2 } },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'values quoting the tags of the format are not cut short',
    input:
      call(
        param('path', '/a.md') + param('content', 'Example: <tool_call>x</tool_call> done'),
        'write_file',
      ) +
      call(
        param('path', '/b.md') + param('content', 'use </parameter> to close\nA </function> B'),
        'write_file',
      ),
    expected: [
      {
        call: 'write_file',
        input: { path: '/a.md', content: 'Example: <tool_call>x</tool_call> done' },
      },
      {
        call: 'write_file',
        input: { path: '/b.md', content: 'use </parameter> to close\nA </function> B' },
      },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'a value quoting a whole call, line by line',
    input: call(
      param('path', 'doc.md') + param('content', call(param('city', 'Paris'))),
      'write_file',
    ),
    expected: [
      { call: 'write_file', input: { path: 'doc.md', content: call(param('city', 'Paris')) } },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'a value quoting two whole calls, one per line',
    input: call(
      param('path', 'doc.md') +
        param('content', `${call(param('city', 'A'))}\n${call(param('city', 'B'))}`),
      'write_file',
    ),
    expected: [
      {
        call: 'write_file',
        input: {
          path: 'doc.md',
          content: `${call(param('city', 'A'))}\n${call(param('city', 'B'))}`,
        },
      },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'a call missing </parameter> and </function> ends at its </tool_call> when a call follows',
    input: `<tool_call>\n<function=f>\n<parameter=a>\nvalue\n</tool_call>\nSome text.\n${call(param('city', 'Paris'))}\nMore.`,
    expected: [
      { text: '<tool_call>\n<function=f>\n<parameter=a>\nvalue\n</tool_call>\nSome text.\n' },
      { call: 'get_weather', input: { city: 'Paris' } },
      { text: '\nMore.' },
    ],
    toolSchemas: testToolSchemas,
    warns: true,
  },
  {
    name: 'a call missing </parameter> and </function>: the reply end goes back to its </tool_call>',
    input: `<tool_call>\n<function=write_file>\n<parameter=content>\nvalue\n</tool_call> See ${call(param('city', 'Paris'))} done`,
    expected: [
      { text: '<tool_call>\n<function=write_file>\n<parameter=content>\nvalue\n</tool_call> See ' },
      { call: 'get_weather', input: { city: 'Paris' } },
      { text: ' done' },
    ],
    toolSchemas: testToolSchemas,
    warns: true,
  },
  {
    name: 'a call missing </parameter> and </function>, then only text',
    input: '<tool_call>\n<function=f>\n<parameter=a>\nvalue\n</tool_call>\nSome text.',
    expected: [
      { text: '<tool_call>\n<function=f>\n<parameter=a>\nvalue\n</tool_call>\nSome text.' },
    ],
    toolSchemas: testToolSchemas,
    warns: true,
  },
  {
    name: 'several functions in one <tool_call>, the last without </function>',
    input:
      '<tool_call>\n<function=get_weather>\n<parameter=city>\nA\n</parameter>\n</function>\n' +
      '<function=get_weather>\n<parameter=city>\nB\n</parameter>\n</tool_call>',
    expected: [
      { call: 'get_weather', input: { city: 'A' } },
      { call: 'get_weather', input: { city: 'B' } },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'object and array values written as Python literals',
    input: call(
      param('hours', '(9, 12)') + param('units', "{'temp': 'C', 'alerts': True, 'max': None}"),
    ),
    expected: [
      {
        call: 'get_weather',
        input: { hours: [9, 12], units: { temp: 'C', alerts: true, max: null } },
      },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'malformed: a value outside any parameter, and an unrendered template name',
    input:
      'x <tool_call>\n<function=get_weather>\nParis\n</function>\n</tool_call> y ' +
      '<tool_call>\n<function={{ name }}>\n</function>\n</tool_call>',
    expected: [
      {
        text:
          'x <tool_call>\n<function=get_weather>\nParis\n</function>\n</tool_call> y ' +
          '<tool_call>\n<function={{ name }}>\n</function>\n</tool_call>',
      },
    ],
    warns: true,
  },
  {
    name: 'truncated inside a value that quotes a close tag',
    input:
      'Writing.\n<tool_call>\n<function=write_file>\n<parameter=content>\nsee </tool_call> and',
    expected: [
      {
        text: 'Writing.\n<tool_call>\n<function=write_file>\n<parameter=content>\nsee </tool_call> and',
      },
    ],
    toolSchemas: testToolSchemas,
    warns: true,
  },
  {
    name: 'truncated inside a value',
    input: 'Writing.\n<tool_call>\n<function=write_file>\n<parameter=content>\nhello wor',
    expected: [
      { text: 'Writing.\n<tool_call>\n<function=write_file>\n<parameter=content>\nhello wor' },
    ],
    warns: true,
  },
]);

checkVectors('qwen3_coder without the opening <tool_call>', createQwen3CoderParser, [
  {
    name: 'a bare function after a preamble, with the orphan close tag',
    input: `I'll fetch the page.\n\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n</tool_call>`,
    expected: [
      { text: "I'll fetch the page.\n\n" },
      { call: 'get_weather', input: { city: 'Paris' } },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'a bare function naming no declared tool stays text at once',
    input: 'Write <function=helper> or <function=x y> in prose; </tool_call> alone is text.',
    expected: [
      { text: 'Write <function=helper> or <function=x y> in prose; </tool_call> alone is text.' },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'a bare function whose parameter lacks </parameter> still ends at its </function>',
    input: '<function=write_file>\n<parameter=path>\na.txt\n</function> more',
    expected: [{ call: 'write_file', input: { path: 'a.txt' } }, { text: ' more' }],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'a malformed bare function is passed on verbatim',
    input: '<function=write_file>\na.txt\n</function> more',
    expected: [{ text: '<function=write_file>\na.txt\n</function> more' }],
    toolSchemas: testToolSchemas,
    warns: true,
  },
]);

it('qwen3_coder: text after a broken call streams once the next call opens a line', () => {
  const parser = createQwen3CoderParser({ toolSchemas: testToolSchemas });
  const broken = '<tool_call>\n<function=f>\n<parameter=a>\nvalue\n</tool_call>';
  expect(summarizeParts(parser.push(`${broken}\nSome text.\n<tool_call>\n<func`))).toEqual([
    { text: `${broken}\nSome text.\n` },
  ]);
});
