import { checkVectors } from '../test-helpers/check-vectors.js';
import { testToolSchemas } from '../test-helpers/tool-schemas.js';
import { createSeedOssParser } from './seed_oss.js';

const call = (params: string, name = 'get_weather') =>
  `<seed:tool_call>\n<function=${name}>\n${params}</function>\n</seed:tool_call>`;
const param = (key: string, value: string) => `<parameter=${key}>${value}</parameter>\n`;

checkVectors('seed_oss', createSeedOssParser, [
  {
    name: 'plain text, Qwen tags without the seed section stay text',
    input: 'A <seed:tool or <tool_call>\n<function=get_weather>\n</function>\n</tool_call> 🌱',
    expected: [
      { text: 'A <seed:tool or <tool_call>\n<function=get_weather>\n</function>\n</tool_call> 🌱' },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'text, a call in the template layout, typed values and Python reprs',
    input: `Checking.\n${call(param('city', '東京') + param('days', '3') + param('hours', '[9, 12]') + param('units', "{'temp': 'C'}"))}`,
    expected: [
      { text: 'Checking.\n' },
      {
        call: 'get_weather',
        input: { city: '東京', days: 3, hours: [9, 12], units: { temp: 'C' } },
      },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'multi-line values, one quoting the close tags, and a parameter missing </parameter>',
    input:
      call(
        param('path', 'a.md') +
          param('content', 'line 1\nends with </seed:tool_call> and </parameter>'),
        'write_file',
      ) + call('<parameter=city>\nParis\n'),
    expected: [
      {
        call: 'write_file',
        input: { path: 'a.md', content: 'line 1\nends with </seed:tool_call> and </parameter>' },
      },
      { call: 'get_weather', input: { city: 'Paris' } },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'truncated inside a value',
    input: '<seed:tool_call>\n<function=write_file>\n<parameter=content>half',
    expected: [{ text: '<seed:tool_call>\n<function=write_file>\n<parameter=content>half' }],
    toolSchemas: testToolSchemas,
    warns: true,
  },
]);
