import { expect, test } from 'vitest';
import type { RequestToolChoice } from '../protocol/messages-request-schema.js';
import { convertToolChoice } from './convert-tool-choice.js';

const tools = new Set(['Bash', 'Write']);

test.each<{ choice: RequestToolChoice | undefined; expected: unknown }>([
  { choice: undefined, expected: {} },
  { choice: { type: 'auto' }, expected: { tool_choice: 'auto' } },
  {
    choice: { type: 'auto', disable_parallel_tool_use: true },
    expected: { tool_choice: 'auto', parallel_tool_calls: false },
  },
  { choice: { type: 'any' }, expected: { tool_choice: 'required' } },
  {
    choice: { type: 'any', disable_parallel_tool_use: true },
    expected: { tool_choice: 'required', parallel_tool_calls: false },
  },
  {
    choice: { type: 'tool', name: 'Bash' },
    expected: { tool_choice: { type: 'function', function: { name: 'Bash' } } },
  },
  {
    choice: { type: 'tool', name: 'Write', disable_parallel_tool_use: true },
    expected: {
      tool_choice: { type: 'function', function: { name: 'Write' } },
      parallel_tool_calls: false,
    },
  },
  { choice: { type: 'none' }, expected: { tool_choice: 'none' } },
])('$choice → $expected', ({ choice, expected }) => {
  expect(convertToolChoice(choice, tools)).toEqual(expected);
});

test('a named tool that is not defined is a 400', () => {
  expect(() => convertToolChoice({ type: 'tool', name: 'Nope' }, tools)).toThrow(
    "tool_choice.name: tool 'Nope' is not defined",
  );
});

test('without tools, auto and none vanish and forcing a call is a 400', () => {
  expect(convertToolChoice({ type: 'auto' }, new Set())).toEqual({});
  expect(convertToolChoice({ type: 'none' }, new Set())).toEqual({});
  expect(() => convertToolChoice({ type: 'any' }, new Set())).toThrow('requires at least one tool');
});

test('a named deferred tool no tool_reference loaded says so', () => {
  const requestTools = [
    { name: 'Bash', input_schema: { type: 'object' } },
    { name: 'NotebookEdit', input_schema: { type: 'object' }, defer_loading: true },
  ];
  const choice = { type: 'tool', name: 'NotebookEdit' } as const;
  const loadItMessage =
    "tool_choice.name: tool 'NotebookEdit' has `defer_loading` and no `tool_reference` in the conversation loads it";
  expect(() => convertToolChoice(choice, new Set(['Bash']), requestTools)).toThrow(loadItMessage);
  // With only deferred tools, none reaches the model at all.
  expect(() => convertToolChoice(choice, new Set(), requestTools.slice(1))).toThrow(loadItMessage);
  expect(() => convertToolChoice({ type: 'any' }, new Set(), requestTools.slice(1))).toThrow(
    "tool_choice: 'any' requires a tool the model can call, and every tool in `tools` has `defer_loading`",
  );
});

test('a named tool a tool_removal withdrew says so', () => {
  const requestTools = [
    { name: 'Bash', input_schema: { type: 'object' } },
    { name: 'Read', input_schema: { type: 'object' } },
  ];
  const withdrawn =
    "tool_choice.name: tool 'Read' was withdrawn by a tool_removal in the conversation";
  const choice = { type: 'tool', name: 'Read' } as const;
  expect(() =>
    convertToolChoice(choice, new Set(['Bash']), requestTools, new Set(['Read'])),
  ).toThrow(withdrawn);
  expect(() =>
    convertToolChoice(choice, new Set(), requestTools, new Set(['Bash', 'Read'])),
  ).toThrow(withdrawn);
});
