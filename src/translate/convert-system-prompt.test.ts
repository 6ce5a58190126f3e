import { expect, test } from 'vitest';
import { convertSystemPrompt } from './convert-system-prompt.js';

test.each([
  { system: undefined, expected: undefined },
  { system: 'plain', expected: 'plain' },
  {
    system: [
      { type: 'text' as const, text: 'a' },
      { type: 'text' as const, text: 'b' },
    ],
    expected: 'a\n\nb',
  },
  {
    system: [
      {
        type: 'text' as const,
        text: 'x-anthropic-billing-header: cc_version=2.1.328.abc; cc_entrypoint=cli;',
      },
      { type: 'text' as const, text: 'You are Claude Code.' },
    ],
    expected: 'You are Claude Code.',
  },
  {
    system: 'x-anthropic-billing-header: cc_version=1; cch=9;\nKeep this.',
    expected: 'Keep this.',
  },
  { system: [{ type: 'text' as const, text: '  ' }], expected: undefined },
])('system $system → $expected', ({ system, expected }) => {
  expect(convertSystemPrompt(system)).toBe(expected);
});
