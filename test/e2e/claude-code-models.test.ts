import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { installClaudeCode } from './helpers/install-claude-code.js';
import { removeTempDirs } from '../helpers/make-temp-dir.js';
import { resultOf } from './helpers/read-session-events.js';
import { runClaudeCode } from './helpers/run-claude-code.js';
import { startE2eStack, type E2eStack } from './helpers/start-e2e-stack.js';

// Which model ids the real CLI sends under each setting, and where Ferry routes them.
let claude: string;
afterAll(removeTempDirs);
beforeAll(async () => {
  claude = await installClaudeCode();
}, 300_000);

interface Case {
  env?: Record<string, string>;
  args?: string[];
  /** The id Claude Code sent (Ferry answers with the requested id). */
  sent: string | RegExp;
  /** The served model the upstream was asked for. */
  upstream: string;
}

/** One print-mode run; returns what Claude Code asked for and what the upstream got. */
async function sentAndServed(
  stack: E2eStack,
  { env = {}, args = [] }: Case,
): Promise<{ sent: string; upstream: string[] }> {
  await stack.reset();
  await stack.upstream.script({ text: 'pong' });
  const session = await runClaudeCode({
    executable: claude,
    baseUrl: stack.ferry.url,
    prompt: 'ping',
    env,
    args,
  });
  expect(session.code, session.stderr + session.stdout.slice(-2000)).toBe(0);
  expect(resultOf(session.events)).toMatchObject({ subtype: 'success', result: 'pong' });
  const reply = session.events.find((event) => event.type === 'assistant');
  return {
    sent: reply?.message?.model ?? '',
    upstream: (await stack.chatRequests()).map((request) => request.model),
  };
}

describe('model names from Claude Code, with aliases', () => {
  const coder = 'Qwen/Qwen3-Coder-30B-A3B-Instruct';
  let stack: E2eStack;
  beforeAll(async () => {
    stack = await startE2eStack({
      models: ['qwen3-coder', 'small-model', coder],
      aliases: { 'claude-*': 'qwen3-coder', haiku: 'small-model', 'team/coder': coder },
    });
  });
  afterAll(async () => stack?.close());

  test.each<[string, Case]>([
    ['no model settings: its own opus id', { sent: /^claude-opus-/, upstream: 'qwen3-coder' }],
    [
      '--model sonnet',
      { args: ['--model', 'sonnet'], sent: /^claude-sonnet-/, upstream: 'qwen3-coder' },
    ],
    [
      '--model haiku (family alias)',
      { args: ['--model', 'haiku'], sent: /^claude-haiku-/, upstream: 'small-model' },
    ],
    [
      'ANTHROPIC_MODEL with a slash',
      { env: { ANTHROPIC_MODEL: coder }, sent: coder, upstream: coder },
    ],
    [
      'ANTHROPIC_MODEL naming an alias with a slash',
      { env: { ANTHROPIC_MODEL: 'team/coder' }, sent: 'team/coder', upstream: coder },
    ],
    [
      'ANTHROPIC_DEFAULT_OPUS_MODEL',
      { env: { ANTHROPIC_DEFAULT_OPUS_MODEL: coder }, sent: coder, upstream: coder },
    ],
    [
      'ANTHROPIC_DEFAULT_SONNET_MODEL with --model sonnet',
      {
        env: { ANTHROPIC_DEFAULT_SONNET_MODEL: 'small-model' },
        args: ['--model', 'sonnet'],
        sent: 'small-model',
        upstream: 'small-model',
      },
    ],
    [
      'ANTHROPIC_DEFAULT_HAIKU_MODEL with --model haiku',
      {
        env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: 'team/coder' },
        args: ['--model', 'haiku'],
        sent: 'team/coder',
        upstream: coder,
      },
    ],
  ])('%s', async (_name, testCase) => {
    const { sent, upstream } = await sentAndServed(stack, testCase);
    if (typeof testCase.sent === 'string') expect(sent).toBe(testCase.sent);
    else expect(sent).toMatch(testCase.sent);
    expect(upstream).toEqual([testCase.upstream]);
  });
});

describe('model names from Claude Code, without aliases', () => {
  let stack: E2eStack;
  beforeAll(async () => {
    stack = await startE2eStack({ models: ['first-model', 'second-model'] });
  });
  afterAll(async () => stack?.close());

  test.each<[string, Case]>([
    [
      'its own opus id goes to the first served model',
      { sent: /^claude-opus-/, upstream: 'first-model' },
    ],
    [
      'its own haiku id too',
      { args: ['--model', 'haiku'], sent: /^claude-haiku-/, upstream: 'first-model' },
    ],
    [
      'a served name is used as is',
      { env: { ANTHROPIC_MODEL: 'second-model' }, sent: 'second-model', upstream: 'second-model' },
    ],
  ])('%s', async (_name, testCase) => {
    const { sent, upstream } = await sentAndServed(stack, testCase);
    if (typeof testCase.sent === 'string') expect(sent).toBe(testCase.sent);
    else expect(sent).toMatch(testCase.sent);
    expect(upstream).toEqual([testCase.upstream]);
  });
});
