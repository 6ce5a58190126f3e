import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { claudeInstallHint, claudeNotFound, findClaudeCode } from './find-claude-code.js';

test('a FERRY_CLAUDE_PATH that points nowhere is named, not taken for a missing install', () => {
  const env = { FERRY_CLAUDE_PATH: '/nonexistent/claude', PATH: '' };
  expect(findClaudeCode(env)).toBeUndefined();
  expect(claudeNotFound(env)).toMatch(/^FERRY_CLAUDE_PATH is \/nonexistent\/claude, which is not/);
  expect(claudeNotFound({ PATH: '' })).toBe(claudeInstallHint);
});

test.each([
  ['.local', 'bin'],
  ['.claude', 'local'],
])(
  'Claude Code installed by its own installer in ~/%s/%s is found when PATH does not name it',
  (...dirs) => {
    const home = mkdtempSync(join(tmpdir(), 'ferry-home-'));
    try {
      const claude = join(home, ...dirs, 'claude');
      mkdirSync(join(home, ...dirs), { recursive: true });
      writeFileSync(claude, '#!/bin/sh\n');
      chmodSync(claude, 0o755);
      expect(findClaudeCode({ HOME: home, PATH: '/nonexistent' })).toBe(claude);
      // One on PATH comes first.
      const onPath = join(home, 'bin');
      mkdirSync(onPath);
      writeFileSync(join(onPath, 'claude'), '#!/bin/sh\n');
      chmodSync(join(onPath, 'claude'), 0o755);
      expect(findClaudeCode({ HOME: home, PATH: onPath })).toBe(join(onPath, 'claude'));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  },
);
