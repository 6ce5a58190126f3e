import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { ToolSchemas } from '../model/model-request.js';
import type { RequestTool } from '../protocol/messages-request-schema.js';
import { collectToolSchemas, convertTools } from './convert-tools.js';

/** A request's tools as the upstream gets them, and their input schemas by name. */
export interface ConvertedTools {
  functions: ChatCompletionFunctionTool[];
  schemas: ToolSchemas;
}

/**
 * Claude Code sends the same tools, ~30 KB of JSON Schema, on every turn. Their conversion is
 * kept for the last few distinct tool lists and found again by comparing the request's tools
 * with the ones it was made from: a read-only walk, several times cheaper than converting them.
 * A hit returns the same objects as before, frozen, so the upstream backend can keep their JSON
 * by identity (see OpenAICompatibleBackend) instead of serialising them on every request.
 */
export class ToolConversionCache {
  private readonly entries: Array<{ tools: readonly RequestTool[]; converted: ConvertedTools }> =
    [];

  constructor(private readonly capacity = 8) {}

  convert(tools: readonly RequestTool[]): ConvertedTools {
    const at = this.entries.findIndex((entry) => sameJson(entry.tools, tools));
    if (at !== -1) {
      const [entry] = this.entries.splice(at, 1);
      this.entries.unshift(entry!);
      return entry!.converted;
    }
    const converted = deepFreeze({
      functions: convertTools(tools),
      schemas: collectToolSchemas(tools),
    });
    this.entries.unshift({ tools, converted });
    if (this.entries.length > this.capacity) this.entries.pop();
    return converted;
  }
}

/** Equal JSON values, keys in the same order (the order decides the upstream's bytes). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (let i = 0; i < keysA.length; i++) {
    const key = keysA[i]!;
    if (key !== keysB[i]) return false;
    if (!sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
      return false;
  }
  return true;
}

/** Shared by every request that hits the cache: a change by one would reach them all. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  const values = value instanceof Map ? [...value.values()] : Object.values(value);
  for (const inner of values) deepFreeze(inner);
  return Object.freeze(value);
}
