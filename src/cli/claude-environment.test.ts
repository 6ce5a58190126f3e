import { expect, test } from 'vitest';
import { claudeEnvironment } from './claude-environment.js';

const ferry = {
  url: 'http://127.0.0.1:8000',
  served: ['qwen3-coder', 'small'],
  aliases: { haiku: 'small' },
};

test('points Claude Code at Ferry with a key and each tier named after its served model', () => {
  const env = claudeEnvironment({ PATH: '/bin', ANTHROPIC_AUTH_TOKEN: 'stale' }, ferry);
  expect(env).toMatchObject({
    PATH: '/bin',
    ANTHROPIC_BASE_URL: 'http://127.0.0.1:8000',
    ANTHROPIC_API_KEY: 'ferry',
    ANTHROPIC_DEFAULT_OPUS_MODEL: 'qwen3-coder',
    ANTHROPIC_DEFAULT_SONNET_MODEL: 'qwen3-coder',
    ANTHROPIC_DEFAULT_HAIKU_MODEL: 'small',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  });
  expect(env.ANTHROPIC_AUTH_TOKEN).toBeUndefined();
});

test('uses the Ferry key and leaves the user’s own model choices alone', () => {
  const env = claudeEnvironment(
    { ANTHROPIC_DEFAULT_OPUS_MODEL: 'Qwen/Qwen3-Coder-480B' },
    { ...ferry, apiKey: 'k1' },
  );
  expect(env.ANTHROPIC_API_KEY).toBe('k1');
  expect(env.ANTHROPIC_DEFAULT_OPUS_MODEL).toBe('Qwen/Qwen3-Coder-480B');
});
