import { expect, test } from 'vitest';
import { convertToolResult } from './convert-tool-result.js';

test.each<[string, boolean | undefined, string]>([
  ['done', undefined, 'done'],
  ['boom', true, 'Error: boom'],
  // The SDK's tool runner writes the prefix itself: not twice.
  ['Error: boom', true, 'Error: boom'],
  ['error: no such file', true, 'error: no such file'],
  ['Errors are fine', false, 'Errors are fine'],
  ['', true, 'Error: '],
])('%j (is_error %s) reads %j', (content, isError, expected) => {
  const block = {
    type: 'tool_result' as const,
    tool_use_id: 'toolu_1',
    content,
    ...(isError === undefined ? {} : { is_error: isError }),
  };
  expect(convertToolResult(block, 'messages.1.content.0').message.content).toBe(expected);
});
