import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { ToolSchemas } from '../model/model-request.js';
import type { RequestTool } from '../protocol/messages-request-schema.js';
import {
  locateToolsText,
  parseJsonBody,
  type KnownToolsText,
} from '../protocol/parse-json-body.js';
import { isPlainObject } from '../util/is-plain-object.js';
import { collectToolSchemas, convertTools, toolChangesKey } from './convert-tools.js';
import type { ToolChanges } from './tool-changes.js';

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
  /** Conversions as the conversation changed the list (tool search, ...), by toolChangesKey. */
  variants?: Map<string, ConvertedTools>;
  /** `raw`'s text in the body it came in, for parseJsonBody; null once it cannot be found. */
  text?: KnownToolsText | null;
  /** How often the text was looked for again after it moved beyond parseJsonBody's reach. */
  relocations?: number;
}

// Distinct changes kept per list: a session loads (or adds) a few tools over time.
const maxVariants = 8;

// Looking for the text costs a few plain parses of a body; a client whose text keeps moving
// is left to the comparison of parsed lists.
const maxRelocations = 8;

/**
 * Claude Code sends the same tools, ~30 KB of JSON Schema, on every turn. For the last few
 * distinct tool lists this keeps the list as it came, its validated copy and its conversion, and
 * finds a list again by comparing it with the one kept: a read-only walk, several times cheaper
 * than validating (zod copies every node) or converting it. A hit returns the same objects as
 * before, frozen, so the upstream backend can keep their JSON by identity (see
 * OpenAICompatibleBackend) instead of serialising them on every request. It also keeps each
 * list's JSON text, where a body spelled it as JSON.stringify does, so that `parseBody` need
 * not parse it again (see parseJsonBody); the list then arrives already known by identity.
 */
export class ToolConversionCache {
  private readonly entries: Entry[] = [];
  /** The body each parsed tool list came from, until the list is validated or dropped. */
  private readonly bodies = new WeakMap<readonly unknown[], string>();
  private texts: KnownToolsText[] = [];

  constructor(private readonly capacity = 8) {}

  /**
   * A request body's JSON, parsed. A tool list whose text came before is not parsed again: the
   * body gets the list kept then, which `validatedTools` knows by identity.
   */
  parseBody(body: string): unknown {
    const parsed = parseJsonBody(body, this.texts);
    if (isPlainObject(parsed) && Array.isArray(parsed.tools) && !Object.isFrozen(parsed.tools))
      this.bodies.set(parsed.tools, body);
    return parsed;
  }

  /** The validated copy of a list that came exactly so before, or undefined. */
  validatedTools(raw: readonly unknown[]): readonly RequestTool[] | undefined {
    const entry = this.find((kept) => kept.raw !== undefined && sameJson(kept.raw, raw));
    if (entry !== undefined && entry.raw !== raw) this.learnText(entry, raw);
    return entry?.tools;
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
    let entry = this.find((kept) => sameJson(kept.tools, tools));
    if (entry === undefined) entry = this.add({ raw: deepFreeze(raw), tools: deepFreeze(tools) });
    else entry.raw = deepFreeze(raw);
    this.learnText(entry, raw);
    return entry.tools;
  }

  /** `changes`: what the conversation changed in the list (see toolChanges). */
  convert(tools: readonly RequestTool[], changes?: ToolChanges): ConvertedTools {
    const entry = this.find((kept) => sameJson(kept.tools, tools));
    const key = changes === undefined ? '' : toolChangesKey(tools, changes);
    const kept = key === '' ? entry?.converted : entry?.variants?.get(key);
    if (kept !== undefined) return kept;
    // Throws for a list Ferry cannot serve (hosted tools): such a list gets no entry.
    const converted = deepFreeze({
      functions: convertTools(tools, changes),
      schemas: collectToolSchemas(tools, changes),
    });
    const target = entry ?? this.add({ tools });
    if (key === '') target.converted = converted;
    else remember((target.variants ??= new Map()), key, converted);
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
    if (this.entries.length > this.capacity && this.entries.pop()?.text) this.listTexts();
    return entry;
  }

  /** Finds the text of `entry.raw` in the body `raw` was parsed from, when that is known. */
  private learnText(entry: Entry, raw: readonly unknown[]): void {
    const body = this.bodies.get(raw);
    if (body === undefined || entry.raw === undefined || entry.text === null) return;
    this.bodies.delete(raw); // the entry outlives the request: it must not hold its body
    if (entry.text !== undefined) entry.relocations = (entry.relocations ?? 0) + 1;
    entry.text =
      (entry.relocations ?? 0) > maxRelocations ? null : (locateToolsText(body, entry.raw) ?? null);
    this.listTexts();
  }

  private listTexts(): void {
    this.texts = this.entries.flatMap((entry) => (entry.text ? [entry.text] : []));
  }
}

/** Keeps `value` under `key`, dropping the longest-kept variant beyond maxVariants. */
function remember(variants: Map<string, ConvertedTools>, key: string, value: ConvertedTools): void {
  variants.set(key, value);
  if (variants.size > maxVariants) variants.delete(variants.keys().next().value!);
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
