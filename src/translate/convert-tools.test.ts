import { expect, test } from 'vitest';
import type { RequestTool } from '../protocol/messages-request-schema.js';
import { convertTools } from './convert-tools.js';

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
    convertTools(tools, new Set(loaded)).map((tool) => tool.function.name);
  expect(names([])).toEqual(['Bash', 'Write']);
  expect(names(['NotebookEdit'])).toEqual(['Bash', 'NotebookEdit', 'Write']);
  expect(names(['WebFetch', 'NotebookEdit'])).toEqual([
    'Bash',
    'NotebookEdit',
    'WebFetch',
    'Write',
  ]);
});

test('Anthropic-hosted tools are a clear 400, not a silent drop', () => {
  const tools: RequestTool[] = [{ type: 'web_search_20250305', name: 'web_search' }];
  expect(() => convertTools(tools)).toThrow(
    "tools.0: tool type 'web_search_20250305' (web_search)",
  );
});
