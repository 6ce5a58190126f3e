import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { installClaudeCode } from './helpers/install-claude-code.js';
import { removeTempDirs } from '../helpers/make-temp-dir.js';
import { resultOf, toolResultsOf } from './helpers/read-session-events.js';
import {
  freePort,
  printArgs,
  runFerryClaude as ferryClaude,
  sandbox,
  type Sandbox,
} from './helpers/run-ferry-claude.js';
import { startE2eStack, type E2eStack } from './helpers/start-e2e-stack.js';
import { startScriptedUpstream } from '../helpers/start-scripted-upstream.js';

// `bin/ferry claude` for real: the built CLI (dist/, as `npm install` leaves it) starting or
// reusing Ferry and launching the real Claude Code, or explaining why it cannot.

let claude: string;
let stack: E2eStack;

beforeAll(async () => {
  claude = await installClaudeCode();
  stack = await startE2eStack({ models: ['qwen3-coder'] });
}, 300_000);
afterAll(async () => {
  removeTempDirs();
  await stack?.close();
});
beforeEach(async () => stack.reset());

/** A `claude` on PATH, as `npm install -g` would leave it. */
function putClaudeOnPath(box: Sandbox): void {
  const bin = join(box.home, 'bin');
  mkdirSync(bin);
  symlinkSync(claude, join(bin, 'claude'));
  box.path = `${bin}:${box.path}`;
}

describe('ferry claude', () => {
  test('starts Ferry for the upstream and runs Claude Code found on PATH', async () => {
    const box = sandbox();
    putClaudeOnPath(box);
    const port = await freePort();
    await stack.upstream.script([
      {
        toolCalls: [
          { name: 'Write', arguments: { file_path: join(box.cwd, 'hi.txt'), content: 'hi\n' } },
        ],
      },
      { text: 'Wrote hi.txt.' },
    ]);

    const run = await ferryClaude(box, [
      '--upstream',
      stack.upstream.url,
      '--port',
      String(port),
      '--',
      '-p',
      'Write hi.txt',
      ...printArgs,
    ]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`ferry: Claude Code → http://127.0.0.1:${port} (qwen3-coder)`);
    expect(readFileSync(join(box.cwd, 'hi.txt'), 'utf8')).toBe('hi\n');
    expect(toolResultsOf(run.events).map((result) => result.is_error ?? false)).toEqual([false]);
    expect(resultOf(run.events)).toMatchObject({ subtype: 'success', result: 'Wrote hi.txt.' });
    // The tier variables ferry claude set name the served model, so Claude Code asks for it.
    const reply = run.events.find((event) => event.type === 'assistant');
    expect(reply?.message?.model).toBe('qwen3-coder');
    const requests = await stack.chatRequests();
    expect(requests.map((request) => request.model)).toEqual(['qwen3-coder', 'qwen3-coder']);
    // Ferry logged to its file, not over Claude Code's output.
    expect(readFileSync(join(box.home, '.cache', 'ferry', 'claude.log'), 'utf8')).toContain(
      '/v1/messages?beta=true',
    );
    expect(existsSync(join(box.home, '.claude'))).toBe(true);
  });

  test('reuses a Ferry already listening and runs Claude Code from FERRY_CLAUDE_PATH', async () => {
    const box = sandbox();
    await stack.upstream.script({ text: 'pong' });
    const port = new URL(stack.ferry.url).port;

    const run = await ferryClaude(box, ['--port', port, '--', '-p', 'ping', ...printArgs], {
      FERRY_CLAUDE_PATH: claude,
    });

    expect(run.code, run.stderr).toBe(0);
    expect(resultOf(run.events)).toMatchObject({ subtype: 'success', result: 'pong' });
    // The request went through the Ferry of this test process: no second Ferry was started.
    expect(stack.ferryRequests()).toContainEqual({
      method: 'POST',
      url: '/v1/messages?beta=true',
      status: 200,
    });
    expect(existsSync(join(box.home, '.cache', 'ferry', 'claude.log'))).toBe(false);
  });

  test('a Ferry on the port serving another upstream: it starts its own for the session', async () => {
    const box = sandbox();
    const other = await startScriptedUpstream({ models: ['qwen3-coder'] });
    try {
      await other.script({ text: 'from the other upstream' });
      const port = new URL(stack.ferry.url).port;

      const run = await ferryClaude(
        box,
        ['--upstream', other.url, '--port', port, '--', '-p', 'ping', ...printArgs],
        { FERRY_CLAUDE_PATH: claude },
      );

      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`the Ferry on http://127.0.0.1:${port} serves another backend`);
      expect(resultOf(run.events)).toMatchObject({ result: 'from the other upstream' });
      // The running Ferry answered the health probe and nothing else.
      expect(stack.ferryRequests().map((request) => request.url)).toEqual(['/health']);
      expect(await stack.chatRequests()).toEqual([]);
    } finally {
      await other.close();
    }
  });

  test('a Ferry on the port serving the upstream asked for is used', async () => {
    const box = sandbox();
    await stack.upstream.script({ text: 'same one' });
    const port = new URL(stack.ferry.url).port;
    const sameUpstream = stack.upstream.url.replace(/\/v1\/?$/, ''); // written another way

    const run = await ferryClaude(
      box,
      ['--upstream', sameUpstream, '--port', port, '--', '-p', 'ping', ...printArgs],
      { FERRY_CLAUDE_PATH: claude },
    );

    expect(run.code, run.stderr).toBe(0);
    expect(resultOf(run.events)).toMatchObject({ result: 'same one' });
    expect(stack.ferryRequests()).toContainEqual({
      method: 'POST',
      url: '/v1/messages?beta=true',
      status: 200,
    });
  });

  test('a port another program holds: it starts its Ferry on a free one instead', async () => {
    const box = sandbox();
    await stack.upstream.script({ text: 'moved' });
    const other = createServer((_request, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as AddressInfo;
    try {
      const run = await ferryClaude(
        box,
        [
          '--upstream',
          stack.upstream.url,
          '--port',
          String(port),
          '--',
          '-p',
          'ping',
          ...printArgs,
        ],
        { FERRY_CLAUDE_PATH: claude },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(resultOf(run.events)).toMatchObject({ subtype: 'success', result: 'moved' });
      expect(run.stderr).not.toContain(`:${port} (`);
    } finally {
      other.close();
    }
  });

  test('without Claude Code installed it says how to install it', async () => {
    const box = sandbox();

    const run = await ferryClaude(box, ['--upstream', stack.upstream.url, '--', '-p', 'ping']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Claude Code is not installed');
    expect(run.stderr).toContain('npm install -g @anthropic-ai/claude-code');
    expect(await stack.chatRequests()).toEqual([]);
  });

  test('a running Ferry that wants an API key: it says to pass it, not that the model is down', async () => {
    const keyed = await startE2eStack({ apiKey: 'k1' });
    try {
      const box = sandbox();
      const port = new URL(keyed.ferry.url).port;
      const run = await ferryClaude(box, ['--port', port, '--', '-p', 'hi', ...printArgs], {
        FERRY_CLAUDE_PATH: claude,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /ferry: the Ferry running at http:\S+ wants an API key .*--api-key KEY/,
      );
      expect(existsSync(join(box.home, '.claude'))).toBe(false);
    } finally {
      await keyed.close();
    }
  });

  test('with the upstream unreachable it says so before Claude Code starts', async () => {
    const box = sandbox();
    const closed = await freePort();

    const run = await ferryClaude(
      box,
      ['--upstream', `http://127.0.0.1:${closed}/v1`, '--port', String(await freePort())],
      { FERRY_CLAUDE_PATH: claude },
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/ferry: the model server is not answering through Ferry at http:/);
    expect(run.stdout).toBe('');
    // Claude Code never ran: it would have created its ~/.claude.
    expect(existsSync(join(box.home, '.claude'))).toBe(false);
  });
});
