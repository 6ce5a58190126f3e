import { expect, test } from 'vitest';
import { ApiError } from '../protocol/api-error.js';
import type { RequestMessage, RequestTool } from '../protocol/messages-request-schema.js';
import { loadedToolNames } from './loaded-tool-names.js';

const tools: RequestTool[] = [
  { name: 'ToolSearch', input_schema: { type: 'object' } },
  { name: 'NotebookEdit', input_schema: { type: 'object' }, defer_loading: true },
  { name: 'WebFetch', input_schema: { type: 'object' }, defer_loading: true },
];
const searchCall = (id: string): RequestMessage => ({
  role: 'assistant',
  content: [{ type: 'tool_use', id, name: 'ToolSearch', input: { query: 'select:x' } }],
});
const searchResult = (id: string, names: string[]): RequestMessage => ({
  role: 'user',
  content: [
    {
      type: 'tool_result',
      tool_use_id: id,
      content: names.map((name) => ({ type: 'tool_reference' as const, tool_name: name })),
    },
    { type: 'text', text: 'Tool loaded.' },
  ],
});
const ask: RequestMessage = { role: 'user', content: 'find a tool' };

test.each<[string, RequestMessage[], string[]]>([
  ['no tool results', [ask], []],
  [
    'a string tool result',
    [
      ask,
      searchCall('a'),
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: 'no match' }] },
    ],
    [],
  ],
  ['one reference', [ask, searchCall('a'), searchResult('a', ['NotebookEdit'])], ['NotebookEdit']],
  [
    'references over several turns, each name once',
    [
      ask,
      searchCall('a'),
      searchResult('a', ['WebFetch', 'NotebookEdit']),
      searchCall('b'),
      searchResult('b', ['NotebookEdit']),
    ],
    ['WebFetch', 'NotebookEdit'],
  ],
  [
    'a reference to a tool that is not deferred',
    [ask, searchCall('a'), searchResult('a', ['ToolSearch'])],
    ['ToolSearch'],
  ],
])('%s', (_name, messages, names) => {
  expect([...loadedToolNames(messages, tools)]).toEqual(names);
});

test('a reference to a tool the request does not define is tool_reference_unresolved', () => {
  const messages = [ask, searchCall('a'), searchResult('a', ['NotebookEdit', 'Gone'])];
  const error = (() => {
    try {
      loadedToolNames(messages, tools);
    } catch (caught) {
      return caught;
    }
    return undefined;
  })();
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).toJSON().error).toEqual({
    type: 'invalid_request_error',
    message:
      "messages.2.content.0.content.1.tool_name: tool_reference names 'Gone', which is not defined in `tools`",
    details: { error_code: 'tool_reference_unresolved' },
  });
});
