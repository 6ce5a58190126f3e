import { checkVectors } from '../test-helpers/check-vectors.js';
import { createDeepseekV3Parser } from './deepseek_v3.js';

const call = (name: string, args: string) =>
  `<｜tool▁call▁begin｜>function<｜tool▁sep｜>${name}\n\`\`\`json\n${args}\n\`\`\`<｜tool▁call▁end｜>`;
const section = (...calls: string[]) =>
  `<｜tool▁calls▁begin｜>${calls.join('\n')}<｜tool▁calls▁end｜>`;

checkVectors('deepseek_v3', createDeepseekV3Parser, [
  {
    name: 'plain text with a near-delimiter',
    input: 'A <｜tool▁calls and <｜other｜> token-like text. 中文 😀',
    expected: [{ text: 'A <｜tool▁calls and <｜other｜> token-like text. 中文 😀' }],
  },
  {
    name: 'text, one call, text',
    input: `Let me look that up.${section(call('get_weather', '{"city": "Beijing"}'))}Done.`,
    expected: [
      { text: 'Let me look that up.' },
      { call: 'get_weather', input: { city: 'Beijing' } },
      { text: 'Done.' },
    ],
  },
  {
    name: 'parallel calls with nested JSON',
    input: section(
      call('get_weather', '{"city": "上海", "opts": {"a": [1, {"b": "}"}]}}'),
      call('write_file', '{"path": "x", "content": "```\\ncode\\n```"}'),
    ),
    expected: [
      { call: 'get_weather', input: { city: '上海', opts: { a: [1, { b: '}' }] } } },
      { call: 'write_file', input: { path: 'x', content: '```\ncode\n```' } },
    ],
  },
  {
    name: 'section end missing at the end of the reply',
    input: `<｜tool▁calls▁begin｜>${call('get_weather', '{"city": "Xi\'an"}')}`,
    expected: [{ call: 'get_weather', input: { city: "Xi'an" } }],
  },
  {
    name: 'malformed JSON',
    input: section(call('get_weather', '{"city": Beijing}')),
    expected: [{ text: section(call('get_weather', '{"city": Beijing}')) }],
    warns: true,
  },
  {
    name: 'truncated',
    input:
      'ok<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{"ci',
    expected: [
      {
        text: 'ok<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{"ci',
      },
    ],
    warns: true,
  },
]);
