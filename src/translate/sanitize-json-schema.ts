/**
 * Removes the JSON Schema keywords that make engines choke while keeping the schema's meaning:
 * `$schema` (some guided-decoding backends reject unknown drafts) and integer bounds at
 * ±(2^53 − 1), which zod emits for "no bound" and which llama.cpp's schema-to-grammar
 * converter turns into enormous digit-range rules. Copy-on-write: untouched subtrees are shared.
 */
export function sanitizeJsonSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return sanitizeNode(schema) as Record<string, unknown>;
}

const boundKeywords = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const;
/** Keywords whose value is one subschema. */
const singleSchemaKeywords = [
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
];
/** Keywords whose value is an array of subschemas. */
const schemaListKeywords = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];
/** Keywords whose value maps names to subschemas. */
const schemaMapKeywords = [
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
];

function sanitizeNode(node: unknown): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
  const schema = node as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  const set = (key: string, value: unknown): void => {
    copy ??= { ...schema };
    if (value === undefined) delete copy[key];
    else copy[key] = value;
  };
  if ('$schema' in schema) set('$schema', undefined);
  for (const key of boundKeywords) if (isUnboundedMarker(schema[key])) set(key, undefined);
  for (const key of singleSchemaKeywords) replaceIfChanged(schema, key, sanitizeNode, set);
  for (const key of schemaListKeywords) replaceIfChanged(schema, key, sanitizeList, set);
  for (const key of schemaMapKeywords) replaceIfChanged(schema, key, sanitizeMap, set);
  return copy ?? schema;
}

function replaceIfChanged(
  schema: Record<string, unknown>,
  key: string,
  sanitize: (value: unknown) => unknown,
  set: (key: string, value: unknown) => void,
): void {
  const value = schema[key];
  if (value === undefined) return;
  const sanitized = sanitize(value);
  if (sanitized !== value) set(key, sanitized);
}

function sanitizeList(value: unknown): unknown {
  if (!Array.isArray(value)) return sanitizeNode(value);
  const sanitized = value.map(sanitizeNode);
  return sanitized.some((item, i) => item !== value[i]) ? sanitized : value;
}

function sanitizeMap(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const sanitized = entries.map(([key, sub]) => [key, sanitizeNode(sub)] as const);
  return sanitized.some(([, sub], i) => sub !== entries[i]?.[1])
    ? Object.fromEntries(sanitized)
    : value;
}

function isUnboundedMarker(value: unknown): boolean {
  return typeof value === 'number' && Math.abs(value) >= Number.MAX_SAFE_INTEGER;
}
