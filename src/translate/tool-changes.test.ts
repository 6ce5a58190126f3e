import { expect, test } from 'vitest';
import { ApiError } from '../protocol/api-error.js';
import type {
  RequestMessage,
  RequestSystemContentBlock,
  RequestTool,
} from '../protocol/messages-request-schema.js';
import { noToolChanges, toolChanges } from './tool-changes.js';

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
  expect([...toolChanges(messages, tools).loaded]).toEqual(names);
});

test('a reference to a tool the request does not define is tool_reference_unresolved', () => {
  const messages = [ask, searchCall('a'), searchResult('a', ['NotebookEdit', 'Gone'])];
  const error = (() => {
    try {
      toolChanges(messages, tools);
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

test('a conversation without references or tool changes changes nothing', () => {
  expect(toolChanges([ask, { role: 'system', content: 'be brief' }], tools)).toBe(noToolChanges);
});

// Mid-conversation tool changes: tool_addition and tool_removal blocks in system messages.
const system = (...content: RequestSystemContentBlock[]): RequestMessage => ({
  role: 'system',
  content,
});
const add = (name: string): RequestSystemContentBlock => ({
  type: 'tool_addition',
  tool: { type: 'tool_reference', name },
});
const remove = (name: string): RequestSystemContentBlock => ({
  type: 'tool_removal',
  tool: { type: 'tool_reference', name },
});
const define = (definition: RequestTool): RequestSystemContentBlock => ({
  type: 'tool_addition',
  tool: { type: 'tool_definition', definition },
});
const lookup: RequestTool = {
  name: 'lookup',
  description: 'Look a word up',
  input_schema: { type: 'object', properties: { word: { type: 'string' } } },
};
const reply: RequestMessage = { role: 'assistant', content: 'ok' };

test.each<[string, RequestMessage[], { loaded: string[]; removed: string[]; defined: string[] }]>([
  [
    'a tool_addition names a deferred tool',
    [ask, system(add('NotebookEdit'))],
    { loaded: ['NotebookEdit'], removed: [], defined: [] },
  ],
  [
    'a tool_removal withdraws a tool',
    [ask, system({ type: 'text', text: 'no more searching' }, remove('ToolSearch'))],
    { loaded: [], removed: ['ToolSearch'], defined: [] },
  ],
  [
    'a removal then an addition: offered again',
    [ask, system(remove('ToolSearch')), reply, ask, system(add('ToolSearch'))],
    { loaded: ['ToolSearch'], removed: [], defined: [] },
  ],
  [
    'a loaded tool removed: withdrawn',
    [ask, searchCall('a'), searchResult('a', ['WebFetch']), system(remove('WebFetch'))],
    { loaded: [], removed: ['WebFetch'], defined: [] },
  ],
  [
    'a tool defined by value, then named again after its removal',
    [ask, system(define(lookup)), reply, ask, system(remove('lookup')), system(add('lookup'))],
    { loaded: ['lookup'], removed: [], defined: ['lookup'] },
  ],
  [
    'a defined tool removed stays defined, and is withdrawn',
    [ask, system(define(lookup)), reply, ask, system(remove('lookup'))],
    { loaded: [], removed: ['lookup'], defined: ['lookup'] },
  ],
  [
    "Anthropic's text editor defined by value",
    [ask, system(define({ type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' }))],
    { loaded: [], removed: [], defined: ['str_replace_based_edit_tool'] },
  ],
])('%s', (_name, messages, expected) => {
  const changes = toolChanges(messages, tools);
  expect({
    loaded: [...changes.loaded],
    removed: [...changes.removed],
    defined: changes.defined.map((tool) => tool.name),
  }).toEqual(expected);
});

test.each<[string, RequestMessage[], string]>([
  [
    'an addition of a tool nothing defines',
    [ask, system({ type: 'text', text: 'x' }, add('Gone'))],
    "messages.1.content.1.tool.name: tool_addition names 'Gone', which is not defined in `tools` or by an earlier tool_addition",
  ],
  [
    'a removal of a tool nothing defines',
    [ask, system(remove('Gone'))],
    "messages.1.content.0.tool.name: tool_removal names 'Gone', which is not defined in `tools` or by an earlier tool_addition",
  ],
  [
    'a definition of a name `tools` has',
    [ask, system(define({ ...lookup, name: 'WebFetch' }))],
    "messages.1.content.0.tool.definition.name: tool 'WebFetch' is already defined; offer it again with a tool_addition that names it in a tool_reference",
  ],
  [
    'a definition of a server tool',
    [ask, system(define({ type: 'web_search_20250305', name: 'web_search' }))],
    "messages.1.content.0.tool.definition: tool type 'web_search_20250305' (web_search) runs on Anthropic's servers",
  ],
  [
    'an MCP tool reference',
    [
      ask,
      system({
        type: 'tool_addition',
        tool: { type: 'mcp_tool_reference', server_name: 'docs', name: 'search' },
      }),
    ],
    "messages.1.content.0.tool: 'mcp_tool_reference' (MCP server 'docs') needs the MCP connector",
  ],
])('%s is a 400', (_name, messages, message) => {
  expect(() => toolChanges(messages, tools)).toThrow(
    expect.objectContaining({ status: 400, message: expect.stringContaining(message) }),
  );
});
