import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { startFerry, type TestFerry } from '../helpers/start-ferry.js';
import { chunk, finishChunk, sse, usageChunk } from '../helpers/vllm-chunks.js';

// Browser clients: CORS only for the origins Ferry is started with (--cors-origin).

const page = 'http://localhost:5173';
let upstream: ScriptedUpstream;
let open: TestFerry;
let closed: TestFerry;

beforeAll(async () => {
  upstream = await startScriptedUpstream({ flavor: 'vllm', models: ['qwen3-coder'] });
  open = await startFerry({ upstream: upstream.url, corsOrigins: [page], apiKey: 'k' });
  closed = await startFerry({ upstream: upstream.url });
});
afterAll(async () => {
  await open?.close();
  await closed?.close();
  await upstream?.close();
});

const preflight = (url: string, origin: string): Promise<Response> =>
  fetch(`${url}/v1/messages`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers':
        'content-type,x-api-key,anthropic-version,anthropic-dangerous-direct-browser-access',
    },
  });

test('a preflight from an allowed origin is answered, before any API key check', async () => {
  const response = await preflight(open.url, page);
  expect(response.status).toBe(204);
  expect(response.headers.get('access-control-allow-origin')).toBe(page);
  expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  expect(response.headers.get('access-control-allow-headers')).toContain(
    'anthropic-dangerous-direct-browser-access',
  );
  expect(response.headers.get('access-control-max-age')).toBe('600');
});

test('another origin’s preflight is a 403 without allow-origin, so the browser blocks it', async () => {
  const response = await preflight(open.url, 'http://evil.example');
  expect(response.status).toBe(403);
  expect(response.headers.get('access-control-allow-origin')).toBeNull();
  expect(await response.json()).toMatchObject({
    error: {
      type: 'permission_error',
      message: `cross-origin requests from http://evil.example are not allowed (allowed: ${page}); start Ferry with --cors-origin http://evil.example to allow it`,
    },
  });
});

test('the SDK as a browser uses it: streamed replies and errors carry the CORS headers', async () => {
  const seen: Response[] = [];
  const client = new Anthropic({
    baseURL: open.url,
    apiKey: 'k',
    dangerouslyAllowBrowser: true,
    maxRetries: 0,
    fetch: async (url, init) => {
      const headers = new Headers(init?.headers);
      headers.set('origin', page);
      const response = await fetch(url, { ...init, headers });
      seen.push(response);
      return response;
    },
  });
  await upstream.script([
    { sse: sse([chunk({ content: 'hi from the model' }), finishChunk('stop'), usageChunk(3, 4)]) },
  ]);
  const message = await client.messages
    .stream({ model: 'qwen3-coder', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] })
    .finalMessage();
  expect(message.content).toMatchObject([{ type: 'text', text: 'hi from the model' }]);
  await expect(
    client.messages.create(
      { model: 'qwen3-coder', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'x-api-key': 'wrong' } },
    ),
  ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  expect(seen.map((response) => response.status)).toEqual([200, 401]);
  for (const response of seen) {
    expect(response.headers.get('access-control-allow-origin')).toBe(page);
    expect(response.headers.get('access-control-expose-headers')).toContain('request-id');
    expect(response.headers.get('access-control-expose-headers')).toContain('x-ferry-token-count');
  }
});

test('without --cors-origin a preflight is refused saying how to allow it', async () => {
  const response = await preflight(closed.url, page);
  expect(response.status).toBe(403);
  expect(response.headers.get('access-control-allow-origin')).toBeNull();
  expect(await response.json()).toMatchObject({
    type: 'error',
    error: {
      type: 'permission_error',
      message: `cross-origin requests from ${page} are not allowed: start Ferry with --cors-origin ${page} (corsOrigins in the config file)`,
    },
  });
});

test('* lets any origin in', async () => {
  const any = await startFerry({ upstream: upstream.url, corsOrigins: ['*'] });
  try {
    const response = await preflight(any.url, 'http://anywhere.example');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  } finally {
    await any.close();
  }
});
