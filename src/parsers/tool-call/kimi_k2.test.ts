import { checkVectors } from '../test-helpers/check-vectors.js';
import { createKimiK2Parser } from './kimi_k2.js';

const call = (id: string, args: string) =>
  `<|tool_call_begin|>${id}<|tool_call_argument_begin|>${args}<|tool_call_end|>`;
const section = (...calls: string[]) =>
  `<|tool_calls_section_begin|>${calls.join('')}<|tool_calls_section_end|>`;

checkVectors('kimi_k2', createKimiK2Parser, [
  {
    name: 'plain text',
    input: 'A <|tool_calls|> mention and <|im_end|>-like text. Русский 🐻',
    expected: [{ text: 'A <|tool_calls|> mention and <|im_end|>-like text. Русский 🐻' }],
  },
  {
    name: 'text, parallel calls, text',
    input: `Checking.${section(call('functions.get_weather:0', '{"city": "Moscow"}'), call('functions.get_weather:1', '{"city": "杭州"}'))}Done.`,
    expected: [
      { text: 'Checking.' },
      { call: 'get_weather', input: { city: 'Moscow' } },
      { call: 'get_weather', input: { city: '杭州' } },
      { text: 'Done.' },
    ],
  },
  {
    name: 'whitespace between markers, nested JSON, singular section tokens',
    input: `<|tool_call_section_begin|>\n<|tool_call_begin|> functions.write_file:2 <|tool_call_argument_begin|> {"path": "a", "content": "{\\"k\\": [\\"]\\"]}"} <|tool_call_end|>\n<|tool_call_section_end|>`,
    expected: [{ call: 'write_file', input: { path: 'a', content: '{"k": ["]"]}' } }],
  },
  {
    name: 'malformed arguments',
    input: section(call('functions.get_weather:0', '{city: Moscow}')),
    expected: [{ text: section(call('functions.get_weather:0', '{city: Moscow}')) }],
    warns: true,
  },
  {
    name: 'truncated',
    input: '<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argu',
    expected: [
      {
        text: '<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argu',
      },
    ],
    warns: true,
  },
]);
