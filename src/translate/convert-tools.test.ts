import { expect, test } from 'vitest';
import type { RequestTool } from '../protocol/messages-request-schema.js';
import { collectToolSchemas, convertTools } from './convert-tools.js';
import { noToolChanges } from './tool-changes.js';

test('custom tools become functions in order; defer_loading placeholders are not shown', () => {
  const tools: RequestTool[] = [
    {
      name: 'Bash',
      description: 'run',
      input_schema: { type: 'object', properties: { command: { type: 'string' } } },
    },
    {
      name: 'DeferredToolPlaceholder',
      description: 'x',
      input_schema: { type: 'object', properties: {} },
      defer_loading: true,
    },
    {
      type: 'custom',
      name: 'Write',
      input_schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' },
    },
  ];
  expect(convertTools(tools)).toEqual([
    {
      type: 'function',
      function: {
        name: 'Bash',
        description: 'run',
        parameters: { type: 'object', properties: { command: { type: 'string' } } },
      },
    },
    { type: 'function', function: { name: 'Write', parameters: { type: 'object' } } },
  ]);
});

test('a deferred tool that a tool_reference loaded is shown, in request order', () => {
  const tools: RequestTool[] = [
    { name: 'Bash', input_schema: { type: 'object' } },
    { name: 'NotebookEdit', input_schema: { type: 'object' }, defer_loading: true },
    { name: 'WebFetch', input_schema: { type: 'object' }, defer_loading: true },
    { name: 'Write', input_schema: { type: 'object' } },
  ];
  const names = (loaded: string[]) =>
    convertTools(tools, { ...noToolChanges, loaded: new Set(loaded) }).map(
      (tool) => tool.function.name,
    );
  expect(names([])).toEqual(['Bash', 'Write']);
  expect(names(['NotebookEdit'])).toEqual(['Bash', 'NotebookEdit', 'Write']);
  expect(names(['WebFetch', 'NotebookEdit'])).toEqual([
    'Bash',
    'NotebookEdit',
    'WebFetch',
    'Write',
  ]);
});

test.each<[string, string]>([
  ['web_search_20250305', 'web_search'],
  ['web_fetch_20250910', 'web_fetch'],
  ['code_execution_20250825', 'code_execution'],
  ['tool_search_tool_regex_20251119', 'tool_search_tool_regex'],
])('the hosted tool %s is a clear 400, not a silent drop', (type, name) => {
  expect(() => convertTools([{ type, name }])).toThrow(
    `tools.0: tool type '${type}' (${name}) runs on Anthropic's servers`,
  );
});

test('a tool type Ferry does not know is a 400 that says what is supported', () => {
  expect(() => convertTools([{ type: 'computer_20250124', name: 'computer' }])).toThrow(
    "tools.0: tool type 'computer_20250124' (computer) is not supported; custom tools",
  );
});

test.each<[string, string, string[]]>([
  ['bash_20250124', 'bash', ['command', 'restart']],
  [
    'text_editor_20250124',
    'str_replace_editor',
    ['command', 'path', 'file_text', 'old_str', 'new_str', 'insert_line', 'view_range'],
  ],
  [
    'text_editor_20250728',
    'str_replace_based_edit_tool',
    ['command', 'path', 'file_text', 'old_str', 'new_str', 'insert_line', 'view_range'],
  ],
  [
    'memory_20250818',
    'memory',
    [
      'command',
      'path',
      'view_range',
      'file_text',
      'old_str',
      'new_str',
      'insert_line',
      'insert_text',
      'old_path',
      'new_path',
    ],
  ],
])('%s, which the client runs, gets its published schema as %s', (type, name, properties) => {
  const [converted] = convertTools([{ type, name }]);
  expect(converted?.function.name).toBe(name);
  expect(converted?.function.description).toEqual(expect.any(String));
  const parameters = converted?.function.parameters as { properties: object };
  expect(Object.keys(parameters.properties)).toEqual(properties);
  expect(collectToolSchemas([{ type, name }]).get(name)).toBe(parameters);
});

test('the text editor before 2025-04-29 has undo_edit, later ones do not', () => {
  const commands = (type: string, name: string) =>
    (
      convertTools([{ type, name }])[0]?.function.parameters as {
        properties: { command: { enum: string[] } };
      }
    ).properties.command.enum;
  expect(commands('text_editor_20250124', 'str_replace_editor')).toContain('undo_edit');
  expect(commands('text_editor_20250429', 'str_replace_based_edit_tool')).not.toContain(
    'undo_edit',
  );
});

test('an Anthropic-defined tool under another name is a 400, as Anthropic answers', () => {
  expect(() => convertTools([{ type: 'bash_20250124', name: 'shell' }])).toThrow(
    "tools.0.name: a 'bash_20250124' tool must be named 'bash'",
  );
});

test('removed tools are left out; tools defined by value come after the request’s, in order', () => {
  const tools: RequestTool[] = [
    { name: 'Bash', input_schema: { type: 'object' } },
    { name: 'NotebookEdit', input_schema: { type: 'object' }, defer_loading: true },
    { type: 'bash_20250124', name: 'bash' },
  ];
  const lookup: RequestTool = { name: 'lookup', input_schema: { type: 'object' } };
  const memory = { type: 'memory_20250818', name: 'memory' } as unknown as RequestTool;
  const converted = convertTools(tools, {
    loaded: new Set(['NotebookEdit']),
    removed: new Set(['Bash', 'bash', 'gone']),
    defined: [lookup, memory, { name: 'gone', input_schema: { type: 'object' } }],
  });
  expect(converted.map((tool) => tool.function.name)).toEqual(['NotebookEdit', 'lookup', 'memory']);
  expect(converted[2]?.function.parameters).toMatchObject({ required: ['command'] });
  expect([...collectToolSchemas(tools, { ...noToolChanges, defined: [lookup] }).keys()]).toEqual([
    'Bash',
    'NotebookEdit',
    'bash',
    'lookup',
  ]);
});
