import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { installClaudeCode } from './helpers/install-claude-code.js';
import { removeTempDirs } from '../helpers/make-temp-dir.js';
import { resultOf } from './helpers/read-session-events.js';
import { runClaudeCode } from './helpers/run-claude-code.js';
import { startE2eStack, type E2eStack } from './helpers/start-e2e-stack.js';

// The endpoints around the main loop, as the real CLI (and its captured requests) use them,
// against a Ferry that requires a key.
const apiKey = 'e2e-ferry-key';
let claude: string;
let stack: E2eStack;

beforeAll(async () => {
  claude = await installClaudeCode();
  stack = await startE2eStack({ models: ['qwen3-coder'], apiKey });
}, 300_000);
afterAll(async () => {
  removeTempDirs();
  await stack?.close();
});

describe('endpoints Claude Code calls', () => {
  test('the start-up HEAD probe (sent without a key) and ?beta=true messages both succeed', async () => {
    await stack.reset();
    await stack.upstream.script({ text: 'pong' });

    const session = await runClaudeCode({
      executable: claude,
      baseUrl: stack.ferry.url,
      prompt: 'ping',
      env: {
        ANTHROPIC_API_KEY: apiKey,
        // The probe is "nonessential traffic"; keep it, but no telemetry or error reports.
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: undefined,
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
      },
    });

    expect(session.code, session.stderr).toBe(0);
    expect(resultOf(session.events)).toMatchObject({ subtype: 'success', result: 'pong' });
    expect(stack.ferryRequests()).toEqual([
      { method: 'HEAD', url: '/api/hello', status: 200 },
      { method: 'POST', url: '/v1/messages?beta=true', status: 200 },
    ]);
  });

  test('count_tokens?beta=true counts a captured Claude Code turn with the upstream tokenizer', async () => {
    await stack.reset();
    const captured = JSON.parse(
      readFileSync(new URL('../fixtures/claude-code/request-3.json', import.meta.url), 'utf8'),
    ) as { headers: Record<string, string>; body: Record<string, unknown> };
    const { max_tokens: _max, stream: _stream, ...body } = captured.body;

    const response = await fetch(`${stack.ferry.url}/v1/messages/count_tokens?beta=true`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'anthropic-version': captured.headers['anthropic-version'] ?? '2023-06-01',
        'anthropic-beta': captured.headers['anthropic-beta'] ?? '',
        'x-api-key': apiKey,
      },
      // The capture ran with ANTHROPIC_DEFAULT_*_MODEL=my-model; ask under the CLI's own id.
      body: JSON.stringify({ ...body, model: 'claude-opus-5-5' }),
    });

    expect(response.status).toBe(200);
    const counted = (await response.json()) as { input_tokens: number };
    const tokenize = (await stack.upstream.requests()).filter((r) => r.path === '/tokenize');
    expect(tokenize).toHaveLength(1);
    const sent = tokenize[0]!.body as {
      model: string;
      messages: unknown[];
      tools: Array<{ function: { name: string } }>;
    };
    expect(sent.model).toBe('qwen3-coder');
    // The tools the model may call: the deferred-loading placeholder is never meant to be.
    const tools = captured.body.tools as Array<{ name: string; defer_loading?: boolean }>;
    expect(sent.tools.map((tool) => tool.function.name)).toEqual(
      tools.filter((tool) => tool.defer_loading !== true).map((tool) => tool.name),
    );
    // vLLM's /tokenize answers {count}; the scripted one counts a token per 4 characters.
    expect(counted.input_tokens).toBeGreaterThan(JSON.stringify(sent.messages).length / 8);
  });
});
