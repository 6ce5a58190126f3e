import type { ModelInfo } from '@anthropic-ai/sdk/resources/models';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseRequestBody } from '../../protocol/parse-messages-request.js';
import { resolveModel } from '../../router/resolve-model.js';
import type { FerryAppOptions } from '../app-options.js';
import { modelNotServedError } from '../resolve-served-model.js';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(20),
  after_id: z.string().optional(),
  before_id: z.string().optional(),
  /** Only models in these stages; every model Ferry serves is `active`. */
  lifecycle: z.array(z.enum(['active', 'deprecated', 'retired'])).optional(),
});

/** GET /v1/models and /v1/models/{id} in Anthropic's shape; ids may contain `/`. */
export function registerModelsRoute(app: FastifyInstance, options: FerryAppOptions): void {
  const createdAt = new Date().toISOString();
  // Every field the SDK's ModelInfo declares; what Ferry cannot know (capabilities, the output
  // limit, model line, deprecation dates) is null, which the type allows. The input limit is
  // the served model's context where the engine says (vLLM's max_model_len, the embedded
  // engine's context size) less the one token a reply needs: engines refuse a prompt that fills
  // the context (the embedded engine's `prompt is too long: 2048 tokens > 2047 maximum`).
  const info = (id: string, contextLength: number | undefined, displayName = id): ModelInfo => ({
    type: 'model',
    id,
    display_name: displayName,
    created_at: createdAt,
    capabilities: null,
    deprecated_at: null,
    lifecycle: 'active',
    line: null,
    max_input_tokens: contextLength === undefined ? null : contextLength - 1,
    max_tokens: null,
    retires_at: null,
  });

  const contextOf = (model: string): Promise<number | undefined> =>
    options.backend.contextLength?.(model).catch(() => undefined) ?? Promise.resolve(undefined);

  app.get('/v1/models', async (request) => {
    const query = parseRequestBody(listQuery, withLifecycleArray(request.query));
    // The list says the model can be reached, also where the names are configured.
    await options.backend.checkReachable?.();
    const served = await options.backend.listModels();
    const ids = query.lifecycle === undefined || query.lifecycle.includes('active') ? served : [];
    const page = paginate(ids, query);
    return {
      data: await Promise.all(page.ids.map(async (id) => info(id, await contextOf(id)))),
      has_more: page.hasMore,
      first_id: page.ids[0] ?? null,
      last_id: page.ids.at(-1) ?? null,
    };
  });

  app.get('/v1/models/*', async (request) => {
    const id = decodeURIComponent((request.params as { '*': string })['*']);
    const served = await options.backend.listModels();
    const model = resolveModel(id, served, options.aliases ?? {});
    if (model === undefined) throw modelNotServedError(id, served);
    return info(id, await contextOf(model), model === id ? id : `${id} (served by ${model})`);
  });
}

function paginate(
  ids: readonly string[],
  query: z.infer<typeof listQuery>,
): { ids: string[]; hasMore: boolean } {
  let start = 0;
  let end = ids.length;
  if (query.after_id !== undefined) start = ids.indexOf(query.after_id) + 1;
  if (query.before_id !== undefined) end = Math.max(0, ids.indexOf(query.before_id));
  if (query.before_id !== undefined) start = Math.max(start, end - query.limit);
  const page = ids.slice(start, Math.min(end, start + query.limit));
  const hasMore = query.before_id !== undefined ? start > 0 : start + page.length < end;
  return { ids: page, hasMore };
}

/**
 * The SDK sends `lifecycle` as `lifecycle[]=a&lifecycle[]=b`; a hand-written query may say
 * `lifecycle=a,b`. Either becomes one array for the schema.
 */
function withLifecycleArray(query: unknown): unknown {
  const fields = { ...(query as Record<string, unknown>) };
  const stages = fields['lifecycle[]'] ?? fields.lifecycle;
  delete fields['lifecycle[]'];
  if (stages === undefined) return fields;
  const list = (Array.isArray(stages) ? stages : [stages]).flatMap((stage) =>
    String(stage).split(','),
  );
  return { ...fields, lifecycle: list };
}
