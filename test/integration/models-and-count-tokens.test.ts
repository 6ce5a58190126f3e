import type { BetaMessageTokensCount } from '@anthropic-ai/sdk/resources/beta/messages';
import type { ModelInfo } from '@anthropic-ai/sdk/resources/models';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OpenAICompatibleBackend } from '../../src/backends/openai-compatible/openai-compatible-backend.js';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { startFerry, type TestFerry } from '../helpers/start-ferry.js';
import { closedPort } from '../reliability/helpers/stalled-listener.js';

describe.each(['vllm', 'llama-server'] as const)('with a %s upstream', (flavor) => {
  let upstream: ScriptedUpstream;
  let ferry: TestFerry;
  beforeAll(async () => {
    upstream = await startScriptedUpstream({
      flavor,
      models: ['Qwen/Qwen3-Coder-30B-A3B-Instruct', 'small'],
    });
    ferry = await startFerry({ upstream: upstream.url, aliases: { haiku: 'small' } });
  });
  afterAll(async () => {
    await ferry?.close();
    await upstream?.close();
  });

  test('GET /v1/models lists served models in Anthropic’s shape', async () => {
    const page = await ferry.client().models.list();
    expect(page.data.map((model) => model.id)).toEqual([
      'Qwen/Qwen3-Coder-30B-A3B-Instruct',
      'small',
    ]);
    expect(page.data[0]).toMatchObject({
      type: 'model',
      display_name: expect.any(String),
      created_at: expect.any(String),
    });
    // Typed as the SDK's ModelInfo: a field it declares and Ferry leaves out does not compile.
    const expected: ModelInfo = {
      type: 'model',
      id: 'small',
      display_name: 'small',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
      capabilities: null,
      deprecated_at: null,
      lifecycle: 'active',
      line: null,
      // vLLM lists each model's max_model_len (less one token for the reply); llama-server's
      // list has no serving context.
      max_input_tokens: flavor === 'vllm' ? 32767 : null,
      max_tokens: null,
      retires_at: null,
    };
    expect(page.data[1]).toEqual(expected);
    expect(await ferry.client().models.retrieve('small')).toEqual(expected);
    const raw = (await (await fetch(`${ferry.url}/v1/models?limit=1`)).json()) as Record<
      string,
      unknown
    >;
    expect(raw).toMatchObject({
      has_more: true,
      first_id: 'Qwen/Qwen3-Coder-30B-A3B-Instruct',
      last_id: 'Qwen/Qwen3-Coder-30B-A3B-Instruct',
    });
  });

  test('GET /v1/models filters by lifecycle: every served model is active', async () => {
    const ids = async (lifecycle: Array<'active' | 'deprecated' | 'retired'>) =>
      (await ferry.client().models.list({ lifecycle })).data.map((model) => model.id);
    expect(await ids(['retired'])).toEqual([]);
    expect(await ids(['deprecated', 'active'])).toHaveLength(2);
    const bad = await fetch(`${ferry.url}/v1/models?lifecycle=gone`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  test('GET /v1/models/{id} takes ids with / and resolves Claude ids', async () => {
    const direct = await ferry.client().models.retrieve('Qwen/Qwen3-Coder-30B-A3B-Instruct');
    expect(direct.id).toBe('Qwen/Qwen3-Coder-30B-A3B-Instruct');
    const alias = await ferry.client().models.retrieve('claude-haiku-4-5');
    expect(alias.display_name).toContain('small');
    expect((await fetch(`${ferry.url}/v1/models/gpt-4o`)).status).toBe(404);
  });

  test('count_tokens asks the upstream tokenizer for the exact prompt, tools included', async () => {
    const result = await ferry.client().messages.countTokens({
      model: 'claude-opus-5-5',
      messages: [{ role: 'user', content: 'count me' }],
      tools: [
        {
          name: 'Bash',
          input_schema: { type: 'object', properties: { command: { type: 'string' } } },
        },
      ],
    });
    expect(result.input_tokens).toBeGreaterThan(0);
    const beta = await ferry.client().beta.messages.countTokens({
      model: 'claude-opus-5-5',
      messages: [{ role: 'user', content: 'count me' }],
    });
    expect(beta).toEqual({
      input_tokens: expect.any(Number) as number,
      context_management: null,
    } satisfies BetaMessageTokensCount);
    const requests = await upstream.requests();
    const tokenize = requests.filter((request) => request.path === '/tokenize');
    expect(tokenize.length).toBeGreaterThan(0);
    const sent =
      flavor === 'vllm'
        ? tokenize[0]?.body
        : requests.find((request) => request.path === '/apply-template')?.body;
    expect(sent).toMatchObject({
      messages: [{ role: 'user', content: 'count me' }],
      tools: [{ type: 'function' }],
    });
  });

  test('a prefill is counted rendered open, as the model will read it', async () => {
    await ferry.client().messages.countTokens({
      model: 'claude-opus-5-5',
      messages: [
        { role: 'user', content: 'count me' },
        { role: 'assistant', content: 'Sure:' },
      ],
    });
    const requests = await upstream.requests();
    const path = flavor === 'vllm' ? '/tokenize' : '/apply-template';
    expect(requests.findLast((request) => request.path === path)?.body).toMatchObject({
      add_generation_prompt: false,
      continue_final_message: true,
    });
  });
});

describe('--served-model-name renaming a single upstream model', () => {
  test('requests under the served name reach the upstream under its own name', async () => {
    const upstream = await startScriptedUpstream({
      flavor: 'vllm',
      models: ['Qwen/Qwen3-Coder-30B-A3B-Instruct'],
    });
    const ferry = await startFerry({ upstream: upstream.url, servedModelNames: ['coder'] });
    try {
      const page = await ferry.client().models.list();
      expect(page.data.map((model) => model.id)).toEqual(['coder']);
      await ferry.client().messages.create({
        model: 'coder',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
      });
      const chat = (await upstream.requests()).find(
        (request) => request.path === '/v1/chat/completions',
      );
      expect(chat?.body).toMatchObject({ model: 'Qwen/Qwen3-Coder-30B-A3B-Instruct' });
    } finally {
      await ferry.close();
      await upstream.close();
    }
  });
});

test('a tokenizer that refuses one request: that count is an estimate, the next exact', async () => {
  const upstream = await startScriptedUpstream({ flavor: 'vllm', models: ['coder'] });
  const ferry = await startFerry({ upstream: upstream.url });
  const count = () =>
    fetch(`${ferry.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'coder', messages: [{ role: 'user', content: 'count me' }] }),
    });
  try {
    await upstream.script([
      { endpoint: 'tokenize', status: 400, body: { error: { message: 'template error' } } },
    ]);
    const refused = await count();
    expect(refused.status).toBe(200);
    expect(refused.headers.get('x-ferry-token-count')).toBe('estimate');
    expect((await count()).headers.get('x-ferry-token-count')).toBe('exact');
  } finally {
    await ferry.close();
    await upstream.close();
  }
});

test('a tokenizer that does not answer is a timeout_error, not minutes of waiting', async () => {
  const upstream = await startScriptedUpstream({ flavor: 'vllm', models: ['coder'] });
  const backend = new OpenAICompatibleBackend({ url: upstream.url, tokenizeTimeoutMs: 300 });
  const ferry = await startFerry({ upstream: upstream.url, backend });
  try {
    await upstream.script([{ endpoint: 'tokenize', hang: true }]);
    const counting = ferry
      .client()
      .messages.countTokens(
        { model: 'coder', messages: [{ role: 'user', content: 'count me' }] },
        { maxRetries: 0 },
      );
    await expect(counting).rejects.toMatchObject({
      status: 504,
      error: {
        error: {
          type: 'timeout_error',
          message: expect.stringMatching(
            /^The upstream tokenizer \(.*\/tokenize\) did not answer within 0.3 s$/,
          ),
        },
      },
    });
  } finally {
    await ferry.close();
    await upstream.close();
  }
});

test('a model list that does not come: the first request is a timeout_error naming it, not a 500', async () => {
  const upstream = await startScriptedUpstream({ flavor: 'vllm', models: ['coder'] });
  const backend = new OpenAICompatibleBackend({ url: upstream.url, modelListTimeoutMs: 300 });
  const ferry = await startFerry({ upstream: upstream.url, backend });
  try {
    await upstream.script([{ endpoint: 'models', hang: true }]);
    const asking = ferry
      .client()
      .messages.create(
        { model: 'coder', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
        { maxRetries: 0 },
      );
    await expect(asking).rejects.toMatchObject({
      status: 504,
      error: {
        error: {
          type: 'timeout_error',
          message: `The upstream did not answer GET ${upstream.url}/models within 0.3 s`,
        },
      },
    });
    expect(ferry.logs.join('\n')).not.toContain('DOMException');
  } finally {
    await ferry.close();
    await upstream.close();
  }
});

test('with served names, GET /v1/models still needs the upstream to answer; an unknown id names the served ones', async () => {
  const upstream = await startScriptedUpstream({ flavor: 'vllm', models: ['coder'] });
  const ferry = await startFerry({ upstream: upstream.url, servedModelNames: ['a', 'b'] });
  try {
    const unknown = await fetch(`${ferry.url}/v1/models/nosuch`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      error: {
        type: 'not_found_error',
        message: 'model: nosuch is not served here; served models: a, b',
      },
    });
    expect((await fetch(`${ferry.url}/v1/models`)).status).toBe(200);
    const closed = `http://127.0.0.1:${await closedPort()}/v1`;
    const orphan = await startFerry({ upstream: closed, servedModelNames: ['a'] });
    try {
      const listing = await fetch(`${orphan.url}/v1/models`);
      expect(listing.status).toBe(500);
      expect(await listing.json()).toMatchObject({
        error: { type: 'api_error', message: expect.stringContaining('unreachable') as string },
      });
    } finally {
      await orphan.close();
    }
  } finally {
    await ferry.close();
    await upstream.close();
  }
});
