import { checkVectors } from '../test-helpers/check-vectors.js';
import { createPythonicParser } from './pythonic.js';

checkVectors('pythonic', createPythonicParser, [
  {
    name: 'plain text starting with a bracket',
    input: '[1] See the footnote. [link](x) and f(x) stay text. Português 🇧🇷',
    expected: [{ text: '[1] See the footnote. [link](x) and f(x) stay text. Português 🇧🇷' }],
  },
  {
    name: 'one call with literal values',
    input: '[get_weather(city="San Francisco", days=3, detailed=True, threshold=-0.5, note=None)]',
    expected: [
      {
        call: 'get_weather',
        input: { city: 'San Francisco', days: 3, detailed: true, threshold: -0.5, note: null },
      },
    ],
  },
  {
    name: 'parallel calls with lists, dicts and tricky strings',
    input:
      "[get_weather(city='東京', hours=[9, 12], units={'temp': 'C', 'x': (1, 2)}), write_file(path=\"a.py\", content='print(\"]\")\\n'), list_files()]",
    expected: [
      {
        call: 'get_weather',
        input: { city: '東京', hours: [9, 12], units: { temp: 'C', x: [1, 2] } },
      },
      { call: 'write_file', input: { path: 'a.py', content: 'print("]")\n' } },
      { call: 'list_files', input: {} },
    ],
  },
  {
    name: 'Llama 4 tags with text before and after',
    input: 'Let me check.<|python_start|>[get_time(zone="UTC")]<|python_end|> Done.',
    expected: [
      { text: 'Let me check.' },
      { call: 'get_time', input: { zone: 'UTC' } },
      { text: ' Done.' },
    ],
  },
  {
    name: 'malformed: a positional argument',
    input: '[get_weather("Paris")] then text',
    expected: [{ text: '[get_weather("Paris")] then text' }],
    warns: true,
  },
  {
    name: 'truncated',
    input: '[get_weather(city="Par',
    expected: [{ text: '[get_weather(city="Par' }],
    warns: true,
  },
]);
