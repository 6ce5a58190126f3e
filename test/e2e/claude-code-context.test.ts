import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { installClaudeCode } from './helpers/install-claude-code.js';
import { makeTempDir, removeTempDirs } from '../helpers/make-temp-dir.js';
import { resultOf, resultText, toolResultsOf } from './helpers/read-session-events.js';
import {
  runClaudeCode,
  type ClaudeCodeRun,
  type RunClaudeCodeOptions,
} from './helpers/run-claude-code.js';
import { startE2eStack, type ChatRequestBody, type E2eStack } from './helpers/start-e2e-stack.js';

// Multi-turn sessions of the real Claude Code CLI: prompt prefixes, usage and compaction.
let claude: string;
let stack: E2eStack;

beforeAll(async () => {
  claude = await installClaudeCode();
  stack = await startE2eStack();
}, 300_000);
afterAll(async () => {
  removeTempDirs();
  await stack?.close();
});
beforeEach(async () => stack.reset());

async function run(
  prompt: string,
  options: Partial<RunClaudeCodeOptions> = {},
): Promise<ClaudeCodeRun> {
  const session = await runClaudeCode({
    executable: claude,
    baseUrl: stack.ferry.url,
    prompt,
    ...options,
  });
  expect(session.code, session.stderr + session.stdout.slice(-2000)).toBe(0);
  return session;
}

/** Turn N+1's prompt as the engine renders it starts with turn N's: same tools, longer messages. */
function expectPrefixStable(requests: readonly ChatRequestBody[]): void {
  for (let i = 1; i < requests.length; i++) {
    const [before, after] = [requests[i - 1]!, requests[i]!];
    const head = JSON.stringify(before.messages).slice(0, -1); // without the closing bracket
    expect(JSON.stringify(after.messages).startsWith(head), `request ${i + 1} vs ${i}`).toBe(true);
    expect(after.messages.length).toBeGreaterThan(before.messages.length);
    expect(JSON.stringify(after.tools)).toBe(JSON.stringify(before.tools));
  }
}

describe('Claude Code multi-turn sessions through Ferry', () => {
  test('five user turns (--continue) keep each prompt a byte prefix of the next; usage is the upstream’s', async () => {
    const home = makeTempDir('home');
    const cwd = makeTempDir('project');
    const log = join(cwd, 'log.txt');
    const turns = 5;
    for (let turn = 1; turn <= turns; turn++) {
      const command = `echo turn ${turn} >> log.txt && wc -l < log.txt`;
      await stack.upstream.script([
        {
          toolCalls: [{ name: 'Bash', arguments: { command, description: `Turn ${turn}` } }],
          usage: { prompt: 20_000 + turn * 100, completion: 11 },
        },
        { text: `Logged turn ${turn}.`, usage: { prompt: 20_050 + turn * 100, completion: 5 } },
      ]);
      const session = await run(`Log turn ${turn}.`, {
        home,
        cwd,
        ...(turn === 1 ? {} : { args: ['--continue'] }),
      });

      expect(resultText(toolResultsOf(session.events)[0]!).trim()).toBe(String(turn));
      const result = resultOf(session.events);
      expect(result).toMatchObject({ subtype: 'success', result: `Logged turn ${turn}.` });
      // Claude Code's totals are the upstream's own counts for this invocation's two requests.
      expect(result.usage).toMatchObject({
        input_tokens: 40_050 + turn * 200,
        output_tokens: 16,
      });
    }

    expect(readFileSync(log, 'utf8')).toBe(
      Array.from({ length: turns }, (_, i) => `turn ${i + 1}\n`).join(''),
    );
    const requests = await stack.chatRequests();
    expect(requests).toHaveLength(2 * turns);
    expectPrefixStable(requests);
    // The last prompt carries every earlier turn: five user prompts and five tool results.
    const last = requests.at(-1)!.messages;
    expect(last.filter((message) => message.role === 'tool')).toHaveLength(turns);
    expect(stack.ferryRequests().filter((request) => request.status !== 200)).toEqual([]);
  });

  test('a prompt longer than the context gets the error Claude Code compacts on, then the session goes on', async () => {
    await stack.upstream.script([
      { toolCalls: [{ name: 'Bash', arguments: { command: 'seq 1 2000', description: 'Count' } }] },
      { fixture: 'responses/vllm-context-length.json' }, // 40000 tokens > 32768
      { text: '<summary>Counted to 2000 with seq.</summary>' }, // Claude Code's compaction request
      { text: 'Counted to 2000.' },
    ]);

    const session = await run('Count to 2000.');

    const boundary = session.events.find((event) => event.subtype === 'compact_boundary');
    expect(boundary?.compact_metadata?.trigger).toBe('auto');
    expect(resultOf(session.events)).toMatchObject({
      subtype: 'success',
      is_error: false,
      result: 'Counted to 2000.',
    });
    expect(stack.ferryRequests().map((request) => request.status)).toEqual([200, 400, 200, 200]);
    const requests = await stack.chatRequests();
    // The retried turn starts from the summary instead of the 2000 lines.
    expect(JSON.stringify(requests[1]!.messages)).toContain('1999\\n2000');
    expect(JSON.stringify(requests[3]!.messages)).toContain('Counted to 2000 with seq.');
    expect(JSON.stringify(requests[3]!.messages)).not.toContain('1999\\n2000');
  });

  test('usage near the context window makes Claude Code compact on its own', async () => {
    await stack.upstream.script([
      {
        toolCalls: [{ name: 'Bash', arguments: { command: 'echo hi', description: 'Greet' } }],
        // Claude Code assumes 1M tokens for its own ids; this is just under its threshold.
        usage: { prompt: 985_000, completion: 20 },
      },
      { text: '<summary>Said hi.</summary>' },
      { text: 'Said hi.' },
    ]);

    const session = await run('Say hi.');

    const boundary = session.events.find((event) => event.subtype === 'compact_boundary');
    expect(boundary?.compact_metadata?.trigger).toBe('auto');
    expect(boundary?.compact_metadata?.pre_tokens).toBeGreaterThanOrEqual(985_000);
    expect(resultOf(session.events).result).toBe('Said hi.');
    expect(await stack.chatRequests()).toHaveLength(3);
  });
});
