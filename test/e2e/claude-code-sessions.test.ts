import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { installClaudeCode } from './helpers/install-claude-code.js';
import { resultOf, resultText, toolResultsOf, toolUsesOf } from './helpers/read-session-events.js';
import { runClaudeCode, type ClaudeCodeRun } from './helpers/run-claude-code.js';
import { startE2eStack, type ChatMessage, type E2eStack } from './helpers/start-e2e-stack.js';

// The real Claude Code CLI in print mode, against Ferry in this process and a scripted
// vLLM-style upstream playing the model. Each run takes about a second.
let claude: string;
let stack: E2eStack;

beforeAll(async () => {
  claude = await installClaudeCode();
  stack = await startE2eStack();
}, 300_000);
afterAll(async () => stack?.close());
beforeEach(async () => stack.upstream.reset());

function project(): string {
  return mkdtempSync(join(tmpdir(), 'ferry-e2e-project-'));
}

async function run(prompt: string, cwd: string): Promise<ClaudeCodeRun> {
  const session = await runClaudeCode({
    executable: claude,
    baseUrl: stack.ferry.url,
    prompt,
    cwd,
  });
  expect(session.code, session.stderr + session.stdout.slice(-2000)).toBe(0);
  return session;
}

/** Each tool message the upstream received answers the call just before it, in order. */
function toolRoundTrips(
  messages: readonly ChatMessage[],
): Array<{ name: string; content: unknown }> {
  const calls = new Map(
    messages.flatMap((message) => message.tool_calls ?? []).map((call) => [call.id, call]),
  );
  return messages
    .filter((message) => message.role === 'tool')
    .map((message) => {
      const call = calls.get(message.tool_call_id ?? '');
      expect(call, `tool message for an unknown call ${message.tool_call_id}`).toBeDefined();
      return { name: call?.function.name ?? '', content: message.content };
    });
}

describe('Claude Code sessions through Ferry', () => {
  test('writes a file, runs a command, reads the result and edits the file', async () => {
    const cwd = project();
    const file = join(cwd, 'notes.txt');
    await stack.upstream.script([
      {
        toolCalls: [
          { name: 'Write', arguments: { file_path: file, content: 'alpha\nbeta\ngamma\n' } },
        ],
      },
      {
        toolCalls: [
          { name: 'Bash', arguments: { command: 'wc -l notes.txt', description: 'Count lines' } },
        ],
      },
      { toolCalls: [{ name: 'Read', arguments: { file_path: file } }] },
      {
        toolCalls: [
          { name: 'Edit', arguments: { file_path: file, old_string: 'beta', new_string: 'BETA' } },
        ],
      },
      { text: 'notes.txt has 3 lines; beta is now BETA.' },
    ]);

    const session = await run('Create notes.txt, count its lines, then capitalise beta.', cwd);

    expect(readFileSync(file, 'utf8')).toBe('alpha\nBETA\ngamma\n');
    expect(toolUsesOf(session.events).map((use) => use.name)).toEqual([
      'Write',
      'Bash',
      'Read',
      'Edit',
    ]);
    const results = toolResultsOf(session.events);
    expect(results.map((result) => result.is_error ?? false)).toEqual([false, false, false, false]);
    expect(resultText(results[0]!)).toContain(`File created successfully at: ${file}`);
    expect(resultText(results[1]!).trim()).toBe('3 notes.txt');
    expect(resultText(results[2]!)).toMatch(/1\talpha\n2\tbeta\n3\tgamma/);
    expect(resultText(results[3]!)).toContain(`${file} has been updated`);
    const result = resultOf(session.events);
    expect(result).toMatchObject({ subtype: 'success', is_error: false });
    expect(result.result).toBe('notes.txt has 3 lines; beta is now BETA.');

    const requests = await stack.chatRequests();
    expect(requests).toHaveLength(5);
    expect(requests.map((request) => request.model)).toEqual(Array(5).fill('qwen3-coder'));
    // Every result Claude Code recorded reached the model as a tool message for its call.
    expect(toolRoundTrips(requests[4]!.messages)).toEqual(
      results.map((result, i) => ({
        name: ['Write', 'Bash', 'Read', 'Edit'][i],
        content: resultText(result),
      })),
    );
  });
});
