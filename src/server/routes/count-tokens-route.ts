import type { BetaMessageTokensCount } from '@anthropic-ai/sdk/resources/beta/messages';
import type { MessageTokensCount } from '@anthropic-ai/sdk/resources/messages';
import type { FastifyInstance } from 'fastify';
import { countTokensRequestSchema } from '../../protocol/messages-request-schema.js';
import { parseWithKnownTools } from '../../protocol/parse-messages-request.js';
import { buildModelRequest } from '../../translate/build-model-request.js';
import { abortOnDisconnect } from '../abort-on-disconnect.js';
import type { FerryAppOptions } from '../app-options.js';
import { resolveServedModel } from '../resolve-served-model.js';

/**
 * POST /v1/messages/count_tokens: the prompt Ferry would send, counted by the engine's own
 * tokenizer where it has one. `x-ferry-token-count: estimate` marks the documented estimate.
 */
export function registerCountTokensRoute(app: FastifyInstance, options: FerryAppOptions): void {
  app.post('/v1/messages/count_tokens', async (request, reply) => {
    const body = parseWithKnownTools(countTokensRequestSchema, request.body, options.toolCache);
    // A client that leaves stops the upstream's tokenizer too; one that waits gets an answer
    // or an error within a minute.
    const signal = AbortSignal.any([AbortSignal.timeout(60_000), abortOnDisconnect(reply).signal]);
    const model = await resolveServedModel(
      options.backend,
      body.model,
      options.aliases ?? {},
      signal,
    );
    const modelRequest = buildModelRequest(
      { ...body, max_tokens: body.max_tokens ?? 1 },
      { model, toolCache: options.toolCache },
    );
    const count = await options.backend.countTokens(modelRequest, signal);
    void reply.header('x-ferry-token-count', count.exact ? 'exact' : 'estimate');
    // BetaMessageTokensCount (Claude Code counts with ?beta=true) also declares
    // context_management, null when no edit applied; Ferry applies none.
    const result: MessageTokensCount & BetaMessageTokensCount = {
      input_tokens: count.inputTokens,
      context_management: null,
    };
    return result;
  });
}
