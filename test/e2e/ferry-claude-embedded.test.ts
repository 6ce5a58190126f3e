import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  startFerryProcess,
  type FerryProcess,
} from '../reliability/helpers/start-ferry-process.js';
import { tinyGgufPath } from '../helpers/tiny-gguf/write-tiny-gguf.js';
import { installClaudeCode } from './helpers/install-claude-code.js';
import { removeTempDirs } from '../helpers/make-temp-dir.js';
import { resultOf } from './helpers/read-session-events.js';
import { freePort, printArgs, runFerryClaude, sandbox } from './helpers/run-ferry-claude.js';

// The real Claude Code CLI on the embedded engine: its whole ~22k-token prompt (system prompt,
// tool schemas, the conversation) rendered by the GGUF's own template and evaluated by
// node-llama-cpp on the tests' tiny random-weight model. What the model says is noise; that
// Claude Code completes its turns, and that the second turn reuses the first one's KV cache, is
// what is checked.
let claude: string;
let model: string;
const contextFlags = ['--ctx-size', '32768', '--threads', '1', '--gpu-layers', '0'];

beforeAll(async () => {
  claude = await installClaudeCode();
  model = await tinyGgufPath();
}, 300_000);
afterAll(() => removeTempDirs());

describe('Claude Code on the embedded engine', { timeout: 180_000 }, () => {
  test('`ferry claude --model FILE.gguf` starts the engine and Claude Code finishes its turn', async () => {
    const box = sandbox();
    const port = await freePort();
    const run = await runFerryClaude(
      box,
      [
        '--model',
        model,
        ...contextFlags,
        '--port',
        String(port),
        '--',
        '-p',
        'say hi',
        ...printArgs,
      ],
      { FERRY_CLAUDE_PATH: claude },
      150_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const served = /tiny-llama-[0-9a-f]+/.exec(model)![0];
    expect(run.stderr).toContain(`ferry: Claude Code → http://127.0.0.1:${port} (${served})`);
    expect(resultOf(run.events)).toMatchObject({ subtype: 'success', is_error: false });
    const reply = run.events.find((event) => event.type === 'assistant');
    expect(reply?.message?.model).toBe(served);
    // The whole Claude Code prompt went through the engine's tokenizer.
    expect(resultOf(run.events).usage?.input_tokens).toBeGreaterThan(10_000);
  });

  describe('on a running `ferry serve --model`', () => {
    let ferry: FerryProcess;
    beforeAll(async () => {
      ferry = await startFerryProcess({
        args: ['--model', model, ...contextFlags],
        startTimeoutMs: 60_000,
      });
    }, 90_000);
    afterAll(async () => {
      await ferry?.stop();
    });

    test('the next turn of a session evaluates only its new tokens', async () => {
      const box = sandbox();
      const turn = (args: string[]) =>
        runFerryClaude(
          box,
          ['--port', String(ferry.port), '--', ...args, ...printArgs],
          { FERRY_CLAUDE_PATH: claude },
          150_000,
        );
      const first = await turn(['-p', 'say hi']);
      expect(first.code, first.stderr).toBe(0);
      const second = await turn(['--continue', '-p', 'and again']);
      expect(second.code, second.stderr).toBe(0);

      const firstUsage = usageOf(resultOf(first.events));
      const secondUsage = usageOf(resultOf(second.events));
      expect(firstUsage.input_tokens).toBeGreaterThan(10_000);
      // Claude Code resent the whole conversation; all of the first turn's prompt was cached.
      expect(secondUsage.cache_read_input_tokens).toBeGreaterThanOrEqual(firstUsage.input_tokens);
      expect(secondUsage.input_tokens).toBeLessThan(1_000);
    });
  });
});

function usageOf(event: { usage?: unknown }): {
  input_tokens: number;
  cache_read_input_tokens: number;
} {
  return event.usage as { input_tokens: number; cache_read_input_tokens: number };
}
