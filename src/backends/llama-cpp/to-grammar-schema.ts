import type { GbnfJsonSchema } from 'node-llama-cpp';
import { isPlainObject } from '../../util/is-plain-object.js';

type Schema = Record<string, unknown>;

const anyValue: GbnfJsonSchema = {
  oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'object' }, { type: 'array' }],
};
const primitiveTypes = new Set(['string', 'number', 'integer', 'boolean', 'null']);
const stringFormats = new Set(['date-time', 'time', 'date']);
const maxRefDepth = 8;

/**
 * A tool's JSON Schema in the subset node-llama-cpp turns into a grammar. The library reads
 * keywords it does not know as `null` (an `anyOf` would force the literal `null`) and makes every
 * listed property mandatory, so: `anyOf` becomes `oneOf`, `$ref`s are inlined, `allOf` objects are
 * merged, and only required properties are kept — a forced call then holds exactly what the tool
 * needs instead of inventing values for every optional field. Anything else is "any JSON value".
 */
export function toGrammarSchema(schema: unknown): GbnfJsonSchema {
  const root = isSchema(schema) ? schema : {};
  return convert(root, root, 0);
}

function convert(schema: unknown, root: Schema, depth: number): GbnfJsonSchema {
  if (!isSchema(schema)) return schema === false ? { type: 'null' } : anyValue;
  if (typeof schema.$ref === 'string') {
    const target = depth < maxRefDepth ? resolveRef(schema.$ref, root) : undefined;
    return target === undefined ? anyValue : convert(target, root, depth + 1);
  }
  if ('const' in schema) return isPrimitive(schema.const) ? { const: schema.const } : anyValue;
  if (Array.isArray(schema.enum)) {
    const values = schema.enum.filter(isPrimitive);
    return values.length > 0 ? { enum: values } : anyValue;
  }
  const choices = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(choices) && choices.length > 0)
    return { oneOf: choices.map((choice) => convert(choice, root, depth)) };
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0)
    return convert(mergeAllOf(schema), root, depth);
  const type = schema.type ?? inferType(schema);
  if (Array.isArray(type)) {
    const types = type.filter((entry): entry is string => typeof entry === 'string');
    if (types.every((entry) => primitiveTypes.has(entry) && entry !== 'string'))
      return { type: types as ('number' | 'integer' | 'boolean' | 'null')[] };
    return { oneOf: types.map((entry) => convertTyped(entry, schema, root, depth)) };
  }
  return typeof type === 'string' ? convertTyped(type, schema, root, depth) : anyValue;
}

function convertTyped(type: string, schema: Schema, root: Schema, depth: number): GbnfJsonSchema {
  switch (type) {
    case 'string':
      return stringSchema(schema);
    case 'integer':
      return integerSchema(schema);
    case 'number':
    case 'boolean':
    case 'null':
      return { type };
    case 'object':
      return objectSchema(schema, root, depth);
    case 'array':
      return arraySchema(schema, root, depth);
    default:
      return anyValue;
  }
}

/**
 * Grammars have no numeric bounds; an integer with a small range becomes the list of its values,
 * so a forced call cannot pick one outside it. Other bounds are checked after sampling (see
 * fitNumbers).
 */
function integerSchema(schema: Schema): GbnfJsonSchema {
  const { low, high } = integerBounds(schema);
  if (low === undefined || high === undefined || high < low || high - low >= maxEnumeratedRange)
    return { type: 'integer' };
  return { enum: Array.from({ length: high - low + 1 }, (_, i) => low + i) };
}

const maxEnumeratedRange = 256;

/** The smallest and largest integer a schema allows, where it says (inclusive either way). */
export function integerBounds(schema: Schema): { low?: number; high?: number } {
  const lows = [
    typeof schema.minimum === 'number' ? Math.ceil(schema.minimum) : undefined,
    typeof schema.exclusiveMinimum === 'number'
      ? Math.floor(schema.exclusiveMinimum) + 1
      : undefined,
  ].filter((bound): bound is number => bound !== undefined);
  const highs = [
    typeof schema.maximum === 'number' ? Math.floor(schema.maximum) : undefined,
    typeof schema.exclusiveMaximum === 'number'
      ? Math.ceil(schema.exclusiveMaximum) - 1
      : undefined,
  ].filter((bound): bound is number => bound !== undefined);
  return {
    ...(lows.length === 0 ? {} : { low: Math.max(...lows) }),
    ...(highs.length === 0 ? {} : { high: Math.min(...highs) }),
  };
}

function stringSchema(schema: Schema): GbnfJsonSchema {
  if (typeof schema.format === 'string' && stringFormats.has(schema.format))
    return { type: 'string', format: schema.format as 'date-time' | 'time' | 'date' };
  return {
    type: 'string',
    ...(typeof schema.minLength === 'number' ? { minLength: schema.minLength } : {}),
    ...(typeof schema.maxLength === 'number' ? { maxLength: schema.maxLength } : {}),
  };
}

function objectSchema(schema: Schema, root: Schema, depth: number): GbnfJsonSchema {
  const properties = isSchema(schema.properties) ? schema.properties : undefined;
  if (properties === undefined || Object.keys(properties).length === 0) {
    return schema.additionalProperties === false
      ? { type: 'object', properties: {}, additionalProperties: false }
      : { type: 'object' };
  }
  const required = Array.isArray(schema.required)
    ? schema.required.filter(
        (name): name is string => typeof name === 'string' && name in properties,
      )
    : [];
  const kept: Record<string, GbnfJsonSchema> = {};
  for (const name of required) kept[name] = convert(properties[name], root, depth);
  return { type: 'object', properties: kept, required, additionalProperties: false };
}

function arraySchema(schema: Schema, root: Schema, depth: number): GbnfJsonSchema {
  return {
    type: 'array',
    ...(schema.items === undefined || typeof schema.items === 'boolean'
      ? {}
      : { items: convert(schema.items, root, depth) }),
    ...(Array.isArray(schema.prefixItems)
      ? { prefixItems: schema.prefixItems.map((item) => convert(item, root, depth)) }
      : {}),
    ...(typeof schema.minItems === 'number' ? { minItems: schema.minItems } : {}),
    ...(typeof schema.maxItems === 'number' ? { maxItems: schema.maxItems } : {}),
  };
}

function mergeAllOf(schema: Schema): Schema {
  const parts = (schema.allOf as unknown[]).filter(isSchema);
  const { allOf: _ignored, ...rest } = schema;
  const merged: Schema = { ...rest };
  const properties: Schema = isSchema(rest.properties) ? { ...rest.properties } : {};
  const required = new Set(Array.isArray(rest.required) ? (rest.required as string[]) : []);
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      if (key === 'properties' && isSchema(value)) Object.assign(properties, value);
      else if (key === 'required' && Array.isArray(value))
        for (const name of value) required.add(String(name));
      else if (!(key in merged)) merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return merged;
}

/** A local `$ref` (`#`, `#/$defs/…`, `#/definitions/…`) in `root`, or undefined. */
export function resolveRef(ref: string, root: Schema): unknown {
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (match === null) return ref === '#' ? root : undefined;
  const defs = root[match[1]!];
  return isSchema(defs)
    ? defs[decodeURIComponent(match[2]!).replace(/~1/g, '/').replace(/~0/g, '~')]
    : undefined;
}

function inferType(schema: Schema): string | undefined {
  if (isSchema(schema.properties) || schema.additionalProperties !== undefined) return 'object';
  if (schema.items !== undefined || schema.prefixItems !== undefined) return 'array';
  return undefined;
}

function isSchema(value: unknown): value is Schema {
  return isPlainObject(value);
}

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
