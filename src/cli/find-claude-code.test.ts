import { expect, test } from 'vitest';
import { claudeInstallHint, claudeNotFound, findClaudeCode } from './find-claude-code.js';

test('a FERRY_CLAUDE_PATH that points nowhere is named, not taken for a missing install', () => {
  const env = { FERRY_CLAUDE_PATH: '/nonexistent/claude', PATH: '' };
  expect(findClaudeCode(env)).toBeUndefined();
  expect(claudeNotFound(env)).toMatch(/^FERRY_CLAUDE_PATH is \/nonexistent\/claude, which is not/);
  expect(claudeNotFound({ PATH: '' })).toBe(claudeInstallHint);
});
