import { checkVectors } from '../test-helpers/check-vectors.js';
import { createDeepseekV31Parser } from './deepseek_v31.js';

const call = (name: string, args: string) =>
  `<｜tool▁call▁begin｜>${name}<｜tool▁sep｜>${args}<｜tool▁call▁end｜>`;
const section = (...calls: string[]) =>
  `<｜tool▁calls▁begin｜>${calls.join('')}<｜tool▁calls▁end｜>`;

checkVectors('deepseek_v31', createDeepseekV31Parser, [
  {
    name: 'plain text',
    input: 'Nothing to call <｜tool here; 日本語 🎌',
    expected: [{ text: 'Nothing to call <｜tool here; 日本語 🎌' }],
  },
  {
    name: 'text, one call, text',
    input: `I'll check.${section(call('get_weather', '{"city": "Hangzhou", "days": 2}'))}`,
    expected: [
      { text: "I'll check." },
      { call: 'get_weather', input: { city: 'Hangzhou', days: 2 } },
    ],
  },
  {
    name: 'parallel calls with quotes and braces',
    input: `${section(call('a', '{"q": "say \\"hi\\" {}"}'), call('b', '{}'))} after`,
    expected: [
      { call: 'a', input: { q: 'say "hi" {}' } },
      { call: 'b', input: {} },
      { text: ' after' },
    ],
  },
  {
    name: 'malformed: no separator',
    input: section('<｜tool▁call▁begin｜>get_weather{"city": "x"}<｜tool▁call▁end｜>'),
    expected: [
      { text: section('<｜tool▁call▁begin｜>get_weather{"city": "x"}<｜tool▁call▁end｜>') },
    ],
    warns: true,
  },
  {
    name: 'truncated',
    input: '<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{"city": "Ha',
    expected: [
      { text: '<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{"city": "Ha' },
    ],
    warns: true,
  },
]);
