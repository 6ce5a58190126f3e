import { backendIdentity } from '../../../src/cli/backend-identity.js';
import { startFerry, type TestFerry } from '../../helpers/start-ferry.js';
import {
  startScriptedUpstream,
  type RecordedRequest,
  type ScriptedUpstream,
} from '../../helpers/start-scripted-upstream.js';

export interface E2eStack {
  upstream: ScriptedUpstream;
  ferry: TestFerry;
  /** The chat requests the upstream received, in order (model list probes left out). */
  chatRequests(): Promise<ChatRequestBody[]>;
  /** Method, URL and status of every request Ferry answered, from its log. */
  ferryRequests(): Array<{ method: string; url: string; status: number }>;
  /** Empties the upstream's queue and log and Ferry's log, between scenarios. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** The parts of an OpenAI chat request the scenarios assert on. */
export interface ChatRequestBody {
  model: string;
  messages: ChatMessage[];
  tools?: unknown[];
  max_tokens?: number;
  [key: string]: unknown;
}

export interface ChatMessage {
  role: string;
  content: unknown;
  reasoning_content?: string;
  tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}

/** A scripted vLLM-style upstream (its own process) behind an in-process Ferry. */
export async function startE2eStack(
  options: {
    models?: string[];
    aliases?: Record<string, string>;
    maxModelLen?: number;
    /** Ferry's --api-key. */
    apiKey?: string;
  } = {},
): Promise<E2eStack> {
  const upstream = await startScriptedUpstream({
    models: options.models ?? ['qwen3-coder'],
    maxModelLen: options.maxModelLen ?? 131072,
  });
  const ferry = await startFerry({
    upstream: upstream.url,
    backendIdentity: backendIdentity({ upstream: upstream.url }), // as `ferry serve` reports it
    ...(options.aliases === undefined ? {} : { aliases: options.aliases }),
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
  }).catch(async (error: unknown) => {
    await upstream.close();
    throw error;
  });
  return {
    upstream,
    ferry,
    chatRequests: async () =>
      (await upstream.requests())
        .filter((request: RecordedRequest) => request.path === '/v1/chat/completions')
        .map((request) => request.body as ChatRequestBody),
    ferryRequests: () =>
      ferry.logs
        .map(
          (line) =>
            JSON.parse(line) as { msg?: string; method: string; url: string; status: number },
        )
        .filter((entry) => entry.msg === 'request')
        .map(({ method, url, status }) => ({ method, url, status })),
    reset: async () => {
      ferry.logs.length = 0;
      await upstream.reset();
    },
    close: async () => {
      await ferry.close();
      await upstream.close();
    },
  };
}
