import { afterAll, beforeAll } from 'vitest';
import { OpenAICompatibleBackend } from '../../src/backends/openai-compatible/openai-compatible-backend.js';
import {
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/start-scripted-upstream.js';
import { describeBackendConformance, type BackendHarness } from './backend.case.js';

// The OpenAI-compatible backend against the scripted upstream, once per engine wire format.
for (const flavor of ['vllm', 'llama-server'] as const) {
  let upstream: ScriptedUpstream;
  let harness: BackendHarness;

  beforeAll(async () => {
    upstream = await startScriptedUpstream({ flavor, models: ['test-model'], maxModelLen: 4096 });
    harness = {
      backend: new OpenAICompatibleBackend({ url: upstream.url, retries: 0 }),
      model: 'test-model',
      contextTokens: 4096,
      nextReplyRunsPastMaxTokens: (maxTokens) =>
        upstream.script({
          text: 'word '.repeat(maxTokens),
          finishReason: 'length',
          usage: { completion: maxTokens },
        }),
      nextReplyIsSlow: () => upstream.script({ text: 'slow '.repeat(40), interChunkDelayMs: 50 }),
      nextReplyCallsTool: (name, input) =>
        upstream.script({ toolCalls: [{ name, arguments: input }] }),
      nextPromptOverflows: (promptTokens) => upstream.script(overflowError(flavor, promptTokens)),
    };
  });

  afterAll(async () => {
    await harness.backend.close();
    await upstream.close();
  });

  describeBackendConformance(`OpenAI-compatible (${flavor})`, () => harness);
}

/** What each engine answers when the prompt does not fit its context. */
function overflowError(flavor: 'vllm' | 'llama-server', promptTokens: number) {
  if (flavor === 'vllm') {
    return {
      status: 400,
      body: {
        error: {
          message: `The decoder prompt (length ${promptTokens}) is longer than the maximum model length of 4096. Make sure that \`max_model_len\` is no smaller than the number of text tokens.`,
          type: 'BadRequestError',
          code: 400,
        },
      },
    };
  }
  return {
    status: 400,
    body: {
      error: {
        code: 400,
        message: `the request exceeds the available context size, try increasing it`,
        type: 'exceed_context_size_error',
        n_prompt_tokens: promptTokens,
        n_ctx: 4096,
      },
    },
  };
}
