import { afterAll, beforeAll } from 'vitest';
import type { ModelStreamPart } from '../../src/model/model-stream-part.js';
import {
  OpenAICompatibleBackend,
  type OpenAICompatibleBackendOptions,
} from '../../src/backends/openai-compatible/openai-compatible-backend.js';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
  type ScriptedUpstreamOptions,
} from '../helpers/start-scripted-upstream.js';

/** A scripted upstream and a backend in front of it, for the tests of one describe block. */
export function startScriptedBackend(
  options: ScriptedUpstreamOptions,
  backendOptions: Omit<OpenAICompatibleBackendOptions, 'url'> = { retries: 0 },
): {
  upstream: ScriptedUpstream;
  backend: OpenAICompatibleBackend;
} {
  const started = {} as { upstream: ScriptedUpstream; backend: OpenAICompatibleBackend };
  beforeAll(async () => {
    started.upstream = await startScriptedUpstream(options);
    started.backend = new OpenAICompatibleBackend({ url: started.upstream.url, ...backendOptions });
  });
  afterAll(async () => {
    await started.backend.close();
    await started.upstream.close();
  });
  return started;
}

export const textOf = (parts: ModelStreamPart[]): string =>
  parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');

export const chatRequests = async (upstream: ScriptedUpstream) =>
  (await upstream.requests()).filter((entry) => entry.path.endsWith('/completions'));
