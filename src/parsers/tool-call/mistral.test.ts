import { checkVectors } from '../test-helpers/check-vectors.js';
import { createMistralParser } from './mistral.js';

checkVectors('mistral', createMistralParser, [
  {
    name: 'plain text with a near-delimiter',
    input: 'Use [TOOL] or [TOOL_CALL] in prose; [brackets] {braces}. Français 🥐',
    expected: [{ text: 'Use [TOOL] or [TOOL_CALL] in prose; [brackets] {braces}. Français 🥐' }],
  },
  {
    name: 'v11+: text, then parallel calls',
    input:
      'Let me check.[TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}[TOOL_CALLS]get_weather[ARGS]{"city": "Köln", "n": {"a": "}"}}',
    expected: [
      { text: 'Let me check.' },
      { call: 'get_weather', input: { city: 'Paris' } },
      { call: 'get_weather', input: { city: 'Köln', n: { a: '}' } } },
    ],
  },
  {
    name: 'v11+ without [ARGS] text, with a call id, and text after',
    input:
      '[TOOL_CALLS]write_file{"path": "a", "content": "x\\"y"}[TOOL_CALLS]list_files[CALL_ID]a1b2c3d4e[ARGS]{} ok',
    expected: [
      { call: 'write_file', input: { path: 'a', content: 'x"y' } },
      { call: 'list_files', input: {} },
      { text: ' ok' },
    ],
  },
  {
    name: 'before v11: a JSON array of calls',
    input:
      '[TOOL_CALLS] [{"name": "get_weather", "arguments": {"city": "東京"}}, {"name": "get_time", "arguments": {}}]',
    expected: [
      { call: 'get_weather', input: { city: '東京' } },
      { call: 'get_time', input: {} },
    ],
  },
  {
    name: 'malformed arguments',
    input: 'x[TOOL_CALLS]get_weather[ARGS]{"city": Paris}',
    expected: [{ text: 'x[TOOL_CALLS]get_weather[ARGS]{"city": Paris}' }],
    warns: true,
  },
  {
    name: 'truncated',
    input: 'x[TOOL_CALLS]get_weather[ARGS]{"city": "Par',
    expected: [{ text: 'x[TOOL_CALLS]get_weather[ARGS]{"city": "Par' }],
    warns: true,
  },
]);
