import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { ToolSchemas } from '../model/model-request.js';
import type { RequestTool } from '../protocol/messages-request-schema.js';
import { collectToolSchemas, convertTools } from './convert-tools.js';

/** A request's tools as the upstream gets them, and their input schemas by name. */
export interface ConvertedTools {
  functions: ChatCompletionFunctionTool[];
  schemas: ToolSchemas;
}

interface Entry {
  /** The list as it came in the request's JSON, when it was validated here. */
  raw?: readonly unknown[];
  /** The validated list. */
  tools: readonly RequestTool[];
  converted?: ConvertedTools;
}

/**
 * Claude Code sends the same tools, ~30 KB of JSON Schema, on every turn. For the last few
 * distinct tool lists this keeps the list as it came, its validated copy and its conversion, and
 * finds a list again by comparing it with the one kept: a read-only walk, several times cheaper
 * than validating (zod copies every node) or converting it. A hit returns the same objects as
 * before, frozen, so the upstream backend can keep their JSON by identity (see
 * OpenAICompatibleBackend) instead of serialising them on every request.
 */
export class ToolConversionCache {
  private readonly entries: Entry[] = [];

  constructor(private readonly capacity = 8) {}

  /** The validated copy of a list that came exactly so before, or undefined. */
  validatedTools(raw: readonly unknown[]): readonly RequestTool[] | undefined {
    return this.find((entry) => entry.raw !== undefined && sameJson(entry.raw, raw))?.tools;
  }

  /**
   * `raw` validated to `tools`: both are kept (frozen) for `validatedTools` to find. Returns
   * the list to use from now on: the one kept before if it is equal (the raw form then differed
   * only in what validation strips), else `tools`.
   */
  rememberValidated(
    raw: readonly unknown[],
    tools: readonly RequestTool[],
  ): readonly RequestTool[] {
    const known = this.find((entry) => sameJson(entry.tools, tools));
    if (known !== undefined) {
      known.raw = deepFreeze(raw);
      return known.tools;
    }
    return this.add({ raw: deepFreeze(raw), tools: deepFreeze(tools) }).tools;
  }

  convert(tools: readonly RequestTool[]): ConvertedTools {
    const entry = this.find((kept) => sameJson(kept.tools, tools));
    if (entry?.converted !== undefined) return entry.converted;
    // Throws for a list Ferry cannot serve (hosted tools): such a list gets no entry.
    const converted = deepFreeze({
      functions: convertTools(tools),
      schemas: collectToolSchemas(tools),
    });
    if (entry === undefined) this.add({ tools, converted });
    else entry.converted = converted;
    return converted;
  }

  /** The first entry that matches, made the most recently used. */
  private find(matches: (entry: Entry) => boolean): Entry | undefined {
    const at = this.entries.findIndex(matches);
    if (at === -1) return undefined;
    const [entry] = this.entries.splice(at, 1);
    this.entries.unshift(entry!);
    return entry;
  }

  private add(entry: Entry): Entry {
    this.entries.unshift(entry);
    if (this.entries.length > this.capacity) this.entries.pop();
    return entry;
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
