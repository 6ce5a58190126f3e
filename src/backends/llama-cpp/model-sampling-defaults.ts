import { isPlainObject } from '../../util/is-plain-object.js';

/**
 * Sampling a model's authors recommend, as GGUF conversions record it (`general.sampling.*`,
 * written from the model's `generation_config.json`). llama.cpp's server uses these where a
 * request sets nothing, and vLLM does the same with `generation_config.json`; so does the
 * embedded engine, so a model samples alike behind Ferry and behind its usual server.
 */
export interface SamplingDefaults {
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
}

/** What the GGUF recommends, keeping only values in range (a bad key is skipped, not fatal). */
export function modelSamplingDefaults(metadata: unknown): SamplingDefaults {
  const sampling = field(field(metadata, 'general'), 'sampling');
  return {
    ...pick('temperature', number(field(sampling, 'temp')), (value) => value >= 0),
    ...pick('topK', number(field(sampling, 'top_k')), (value) => Number.isInteger(value)),
    ...pick('topP', number(field(sampling, 'top_p')), (value) => value > 0 && value <= 1),
    ...pick('minP', number(field(sampling, 'min_p')), (value) => value >= 0 && value <= 1),
  };
}

/** The defaults as llama.cpp's server names them, for the start-up log. */
export function describeSamplingDefaults(defaults: SamplingDefaults): string {
  const names = { temperature: 'temperature', topK: 'top_k', topP: 'top_p', minP: 'min_p' };
  return Object.entries(defaults)
    .map(([key, value]) => `${names[key as keyof SamplingDefaults]} ${String(value)}`)
    .join(', ');
}

function field(value: unknown, key: string): unknown {
  return isPlainObject(value) ? value[key] : undefined;
}

/** GGUF floats are 32-bit: 0.7 reads back as 0.699999988, so keep 6 significant digits. */
function number(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? Number(value.toPrecision(6))
    : undefined;
}

function pick<K extends keyof SamplingDefaults>(
  key: K,
  value: number | undefined,
  valid: (value: number) => boolean,
): Partial<Record<K, number>> {
  return value !== undefined && valid(value) ? ({ [key]: value } as Record<K, number>) : {};
}
