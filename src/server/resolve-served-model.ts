import type { Backend } from '../backends/backend.js';
import { ApiError } from '../protocol/api-error.js';
import { resolveModel } from '../router/resolve-model.js';

/** The served model for a requested id, or Anthropic's 404 naming what is served. */
export async function resolveServedModel(
  backend: Backend,
  requested: string,
  aliases: Readonly<Record<string, string>>,
  signal?: AbortSignal,
): Promise<string> {
  const served = await backend.listModels(signal);
  const model = resolveModel(requested, served, aliases);
  if (model !== undefined) return model;
  throw modelNotServedError(requested, served);
}

/**
 * Anthropic's 404 for a model id, naming what is served instead. An empty list is the engine's
 * (Ollama with no model pulled answers `"data": null`, LM Studio with none loaded `[]`): no
 * request can succeed until one is, whatever model the client names.
 */
export function modelNotServedError(requested: string, served: readonly string[]): ApiError {
  const instead =
    served.length === 0
      ? 'the upstream serves no models (pull or load a model in the engine)'
      : `served models: ${served.join(', ')}`;
  return new ApiError('not_found_error', `model: ${requested} is not served here; ${instead}`);
}
