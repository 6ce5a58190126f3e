import { checkVectors } from '../test-helpers/check-vectors.js';
import { testToolSchemas } from '../test-helpers/tool-schemas.js';
import { createMinimaxM2Parser } from './minimax_m2.js';

const invoke = (name: string, params: Record<string, string>) =>
  `<invoke name="${name}">\n${Object.entries(params)
    .map(([k, v]) => `<parameter name="${k}">${v}</parameter>\n`)
    .join('')}</invoke>\n`;
const section = (...invokes: string[]) =>
  `<minimax:tool_call>\n${invokes.join('')}</minimax:tool_call>`;

checkVectors('minimax_m2', createMinimaxM2Parser, [
  {
    name: 'plain text',
    input: 'No <minimax:tool> here, <invoke name="x"> is prose. Ελληνικά 🧪',
    expected: [{ text: 'No <minimax:tool> here, <invoke name="x"> is prose. Ελληνικά 🧪' }],
  },
  {
    name: 'text, one call, text',
    input: `Let me check.\n\n${section(invoke('get_weather', { city: 'Lyon', days: '5', threshold: '-1.5' }))}\nok`,
    expected: [
      { text: 'Let me check.\n\n' },
      { call: 'get_weather', input: { city: 'Lyon', days: 5, threshold: -1.5 } },
      { text: '\nok' },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'parallel invokes in one section, object values',
    input: section(
      invoke('get_weather', {
        city: 'ソウル',
        units: '{"wind": "km/h", "nested": {"a": [1, "}"]}}',
      }),
      invoke('write_file', { path: 'x.md', content: '# Title\n"quoted" {braces}' }),
    ),
    expected: [
      {
        call: 'get_weather',
        input: { city: 'ソウル', units: { wind: 'km/h', nested: { a: [1, '}'] } } },
      },
      { call: 'write_file', input: { path: 'x.md', content: '# Title\n"quoted" {braces}' } },
    ],
    toolSchemas: testToolSchemas,
  },
  {
    name: 'two sections',
    input: `${section(invoke('a', { x: '1' }))}\n${section(invoke('b', {}))}`,
    expected: [
      { call: 'a', input: { x: '1' } },
      { call: 'b', input: {} },
    ],
  },
  {
    name: 'malformed: parameter outside an invoke',
    input: '<minimax:tool_call>\n<parameter name="city">Paris</parameter>\n</minimax:tool_call>',
    expected: [
      {
        text: '<minimax:tool_call>\n<parameter name="city">Paris</parameter>\n</minimax:tool_call>',
      },
    ],
    warns: true,
  },
  {
    name: 'truncated',
    input: 'ok <minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">Pa',
    expected: [
      { text: 'ok <minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">Pa' },
    ],
    warns: true,
  },
]);
