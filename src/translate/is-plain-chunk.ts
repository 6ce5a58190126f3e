import { isPlainObject } from '../util/is-plain-object.js';
import type { OpenAIChunk } from './openai-chunk-schema.js';

/**
 * A fast check, without copying, that a parsed stream chunk has the everyday shape: choices
 * whose delta carries text, reasoning or tool-call pieces, and usage counts or llama-server's
 * timings (sent in every chunk when asked), with every field Ferry reads of the type
 * `openAIChunkSchema` allows. It accepts a subset of what the schema accepts (the test holds it
 * to that); anything else goes through the schema, and a chunk with an error is thrown before it. A
 * tool-call stream is ~70 chunks a reply, and the schema's validated copy of each was a tenth
 * of the gateway's CPU per request.
 */
export function isPlainChunk(json: unknown): json is OpenAIChunk {
  if (!isPlainObject(json) || json.error != null) return false;
  if (!isPlainUsage(json.usage) || !hasOptionalCounts(json.timings, timingCounts)) return false;
  const choices = json.choices;
  if (choices == null) return true;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices as unknown[]) {
    if (!isPlainObject(choice) || !isOptionalString(choice.finish_reason)) return false;
    const delta = choice.delta;
    if (delta == null) continue;
    if (!isPlainObject(delta)) return false;
    if (
      !isOptionalString(delta.content) ||
      !isOptionalString(delta.reasoning_content) ||
      !isOptionalString(delta.reasoning) ||
      !isPlainToolCalls(delta.tool_calls)
    )
      return false;
  }
  return true;
}

function isPlainToolCalls(calls: unknown): boolean {
  if (calls == null) return true;
  if (!Array.isArray(calls)) return false;
  for (const call of calls as unknown[]) {
    if (!isPlainObject(call) || !isOptionalString(call.id)) return false;
    if (call.index != null && !Number.isInteger(call.index)) return false;
    const fn = call.function;
    if (fn == null) continue;
    if (!isPlainObject(fn) || !isOptionalString(fn.name) || !isOptionalString(fn.arguments))
      return false;
  }
  return true;
}

const usageCounts = ['prompt_tokens', 'completion_tokens'];
const cachedCount = ['cached_tokens'];
const reasoningCount = ['reasoning_tokens'];
const timingCounts = ['prompt_n', 'cache_n', 'predicted_n'];

function isPlainUsage(usage: unknown): boolean {
  if (usage == null) return true;
  return (
    isPlainObject(usage) &&
    hasOptionalCounts(usage, usageCounts) &&
    hasOptionalCounts(usage.prompt_tokens_details, cachedCount) &&
    hasOptionalCounts(usage.completion_tokens_details, reasoningCount)
  );
}

/** null, or an object whose `keys` are each null or a number. */
function hasOptionalCounts(value: unknown, keys: readonly string[]): boolean {
  if (value == null) return true;
  if (!isPlainObject(value)) return false;
  for (const key of keys) if (!isOptionalNumber(value[key])) return false;
  return true;
}

function isOptionalNumber(value: unknown): boolean {
  return value == null || typeof value === 'number';
}

function isOptionalString(value: unknown): boolean {
  return value == null || typeof value === 'string';
}
