import { checkVectors } from '../test-helpers/check-vectors.js';
import { testToolSchemas } from '../test-helpers/tool-schemas.js';
import { createGlm45Parser } from './glm45.js';

const arg = (key: string, value: string) =>
  `<arg_key>${key}</arg_key>\n<arg_value>${value}</arg_value>\n`;

checkVectors('glm45', createGlm45Parser, [
  {
    name: 'plain text',
    input: 'The <arg_key> tag and <tool_calls> are prose here. 你好 👋',
    expected: [{ text: 'The <arg_key> tag and <tool_calls> are prose here. 你好 👋' }],
  },
  {
    name: 'GLM-4.5 layout, typed values',
    input: `<tool_call>get_weather\n${arg('city', 'Paris')}${arg('days', '3')}${arg('detailed', 'false')}${arg('hours', '[1, 2]')}</tool_call>`,
    expected: [
      { call: 'get_weather', input: { city: 'Paris', days: 3, detailed: false, hours: [1, 2] } },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'GLM-4.7 layout without line breaks, text around, parallel',
    input:
      'Checking both.<tool_call>get_weather<arg_key>city</arg_key><arg_value>Zürich</arg_value></tool_call>' +
      '<tool_call>get_weather<arg_key>city</arg_key><arg_value>大阪</arg_value><arg_key>days</arg_key><arg_value>2</arg_value></tool_call>Done.',
    expected: [
      { text: 'Checking both.' },
      { call: 'get_weather', input: { city: 'Zürich' } },
      { call: 'get_weather', input: { city: '大阪', days: 2 } },
      { text: 'Done.' },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'string values keep their whitespace and markup',
    input: `<tool_call>write_file\n${arg('path', 'a.html')}${arg('content', '\n<p>{"a": 1}</p>\n')}</tool_call>`,
    expected: [{ call: 'write_file', input: { path: 'a.html', content: '\n<p>{"a": 1}</p>\n' } }],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'values quoting the tags of the format are not cut short',
    input:
      `<tool_call>write_file\n${arg('path', 'a.md')}${arg('content', 'see </tool_call> here')}</tool_call>` +
      `<tool_call>write_file${arg('content', 'a </arg_value> b')}</tool_call>`,
    expected: [
      { call: 'write_file', input: { path: 'a.md', content: 'see </tool_call> here' } },
      { call: 'write_file', input: { content: 'a </arg_value> b' } },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'a value quoting a whole GLM-4.7 call',
    input: `<tool_call>write_file${arg('content', '<tool_call>f<arg_key>a</arg_key><arg_value>1</arg_value></tool_call>')}</tool_call>`,
    expected: [
      {
        call: 'write_file',
        input: { content: '<tool_call>f<arg_key>a</arg_key><arg_value>1</arg_value></tool_call>' },
      },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'a value missing </arg_value> ends at its </tool_call> when a call follows',
    input: `<tool_call>f\n<arg_key>a</arg_key>\n<arg_value>value\n</tool_call>\nSome text.\n<tool_call>get_weather\n${arg('city', 'Paris')}</tool_call>`,
    expected: [
      { text: '<tool_call>f\n<arg_key>a</arg_key>\n<arg_value>value\n</tool_call>\nSome text.\n' },
      { call: 'get_weather', input: { city: 'Paris' } },
    ],
    toolSchemas: testToolSchemas,
    warns: true,
  },
  {
    name: 'GLM-4.7 layout: a value missing </arg_value>, the next call back to back',
    input:
      '<tool_call>f<arg_key>a</arg_key><arg_value>value</tool_call>' +
      '<tool_call>get_weather<arg_key>city</arg_key><arg_value>Paris</arg_value></tool_call>',
    expected: [
      { text: '<tool_call>f<arg_key>a</arg_key><arg_value>value</tool_call>' },
      { call: 'get_weather', input: { city: 'Paris' } },
    ],
    toolSchemas: testToolSchemas,
    warns: true,
  },
  {
    name: 'object and array values written as Python literals',
    input: `<tool_call>get_weather\n${arg('hours', '[9, 12,]')}${arg('units', "{'temp': 'C', 'alerts': False}")}</tool_call>`,
    expected: [
      { call: 'get_weather', input: { hours: [9, 12], units: { temp: 'C', alerts: false } } },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'a call without arguments',
    input: '<tool_call>list_files\n</tool_call>',
    expected: [{ call: 'list_files', input: {} }],
  },
  {
    name: 'malformed: value without key',
    input: '<tool_call>get_weather\n<arg_value>Paris</arg_value>\n</tool_call>',
    expected: [{ text: '<tool_call>get_weather\n<arg_value>Paris</arg_value>\n</tool_call>' }],
    warns: true,
  },
  {
    name: 'truncated',
    input: 'Sure.<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Par',
    expected: [{ text: 'Sure.<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Par' }],
    warns: true,
  },
]);
