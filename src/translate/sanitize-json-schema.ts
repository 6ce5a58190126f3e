import { isPlainObject } from '../util/is-plain-object.js';

/**
 * Removes the JSON Schema keywords that make engines choke while keeping the schema's meaning:
 * `$schema` (some guided-decoding backends reject unknown drafts) and integer bounds at
 * ±(2^53 − 1), which zod emits for "no bound" and which llama.cpp's schema-to-grammar
 * converter turns into enormous digit-range rules. Copy-on-write: untouched subtrees are shared.
 */
export function sanitizeJsonSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return sanitizeNode(schema) as Record<string, unknown>;
}

type KeywordKind = 'bound' | 'schema' | 'list' | 'map';

/**
 * What each keyword Ferry looks into holds. A schema node is walked once over its own keys
 * (usually two to four) rather than probed for every keyword: Claude Code sends ~300 schema
 * nodes a request, and this runs on every one.
 */
const keywordKinds = new Map<string, KeywordKind>([
  ...(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const).map(
    (key) => [key, 'bound'] as const,
  ),
  // one subschema
  ...[
    'items',
    'additionalProperties',
    'not',
    'if',
    'then',
    'else',
    'contains',
    'propertyNames',
    'unevaluatedProperties',
    'unevaluatedItems',
    'additionalItems',
  ].map((key) => [key, 'schema'] as const),
  // a list of subschemas
  ...['anyOf', 'oneOf', 'allOf', 'prefixItems'].map((key) => [key, 'list'] as const),
  // names mapped to subschemas
  ...['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'].map(
    (key) => [key, 'map'] as const,
  ),
]);

function sanitizeNode(schema: unknown): unknown {
  if (!isPlainObject(schema)) return schema;
  let copy: Record<string, unknown> | undefined;
  for (const key in schema) {
    const value = schema[key];
    let sanitized: unknown = value;
    if (key === '$schema') sanitized = undefined;
    else {
      const kind = keywordKinds.get(key);
      if (kind === undefined) continue;
      if (kind === 'bound') sanitized = isUnboundedMarker(value) ? undefined : value;
      else if (kind === 'schema') sanitized = sanitizeNode(value);
      else if (kind === 'list') sanitized = sanitizeList(value);
      else sanitized = sanitizeMap(value);
    }
    if (sanitized === value) continue;
    copy ??= { ...schema };
    if (sanitized === undefined) delete copy[key];
    else copy[key] = sanitized;
  }
  return copy ?? schema;
}

function sanitizeList(value: unknown): unknown {
  if (!Array.isArray(value)) return sanitizeNode(value);
  const list = value as unknown[];
  let copy: unknown[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const sanitized = sanitizeNode(list[i]);
    if (sanitized === list[i]) continue;
    copy ??= [...list];
    copy[i] = sanitized;
  }
  return copy ?? list;
}

function sanitizeMap(map: unknown): unknown {
  if (!isPlainObject(map)) return map;
  let copy: Record<string, unknown> | undefined;
  for (const key in map) {
    const sanitized = sanitizeNode(map[key]);
    if (sanitized === map[key]) continue;
    copy ??= { ...map };
    copy[key] = sanitized;
  }
  return copy ?? map;
}

function isUnboundedMarker(value: unknown): boolean {
  return typeof value === 'number' && Math.abs(value) >= Number.MAX_SAFE_INTEGER;
}
