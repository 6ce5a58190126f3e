import type { GbnfJsonSchema } from 'node-llama-cpp';
import { ApiError } from '../../protocol/api-error.js';
import { isPlainObject } from '../../util/is-plain-object.js';

type Schema = Record<string, unknown>;

interface GrammarSchemaOptions {
  /** Where the schema sits in the request, for error messages (`output_config.format.schema`). */
  at?: string;
  /** Told of each keyword the grammar cannot enforce, with its path. */
  onUnenforced?: (path: string, keyword: string) => void;
}

interface Walk {
  root: Schema;
  options: GrammarSchemaOptions;
}

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
 * A schema no value can satisfy (`minimum` above `maximum`, an empty `enum`) is a 400 naming
 * where: the library would quietly give the grammar something else.
 */
export function toGrammarSchema(
  schema: unknown,
  options: GrammarSchemaOptions = {},
): GbnfJsonSchema {
  const root = isSchema(schema) ? schema : {};
  return convert(root, { root, options }, 0, '');
}

function convert(schema: unknown, walk: Walk, depth: number, path: string): GbnfJsonSchema {
  if (!isSchema(schema)) return schema === false ? { type: 'null' } : anyValue;
  if (typeof schema.$ref === 'string') {
    const target = depth < maxRefDepth ? resolveRef(schema.$ref, walk.root) : undefined;
    const targetPath = schema.$ref.slice(2).replaceAll('/', '.'); // `#/$defs/A` → `$defs.A`
    return target === undefined ? anyValue : convert(target, walk, depth + 1, targetPath);
  }
  if ('const' in schema) return isPrimitive(schema.const) ? { const: schema.const } : anyValue;
  if (Array.isArray(schema.enum)) {
    if (schema.enum.length === 0) throw contradiction(walk, path, 'enum is empty');
    const values = schema.enum.filter(isPrimitive);
    return values.length > 0 ? { enum: values } : anyValue;
  }
  for (const keyword of unenforcedKeywords)
    if (keyword in schema) walk.options.onUnenforced?.(path, keyword);
  const choices = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(choices) && choices.length > 0) {
    const key = schema.anyOf === undefined ? 'oneOf' : 'anyOf';
    return {
      oneOf: choices.map((choice, i) => convert(choice, walk, depth, join(path, key, i))),
    };
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0)
    return convert(mergeAllOf(schema), walk, depth, path);
  const type = schema.type ?? inferType(schema);
  if (Array.isArray(type)) {
    const types = type.filter((entry): entry is string => typeof entry === 'string');
    if (types.every((entry) => primitiveTypes.has(entry) && entry !== 'string')) {
      if (types.includes('integer')) checkIntegerBounds(schema, walk, path);
      if (types.includes('number')) checkNumberBounds(schema, walk, path);
      return { type: types as ('number' | 'integer' | 'boolean' | 'null')[] };
    }
    return { oneOf: types.map((entry) => convertTyped(entry, schema, walk, depth, path)) };
  }
  return typeof type === 'string' ? convertTyped(type, schema, walk, depth, path) : anyValue;
}

/** Keywords no llama.cpp grammar from node-llama-cpp holds to (nor the checks after it). */
const unenforcedKeywords = ['pattern', 'patternProperties', 'multipleOf', 'uniqueItems'];

function convertTyped(
  type: string,
  schema: Schema,
  walk: Walk,
  depth: number,
  path: string,
): GbnfJsonSchema {
  switch (type) {
    case 'string':
      return stringSchema(schema, walk, path);
    case 'integer':
      return integerSchema(schema, walk, path);
    case 'number':
      checkNumberBounds(schema, walk, path);
      return { type };
    case 'boolean':
    case 'null':
      return { type };
    case 'object':
      return objectSchema(schema, walk, depth, path);
    case 'array':
      return arraySchema(schema, walk, depth, path);
    default:
      return anyValue;
  }
}

/**
 * Grammars have no numeric bounds; an integer with a small range becomes the list of its values,
 * so a forced call cannot pick one outside it. Other bounds are checked after sampling (see
 * fitBounds).
 */
function integerSchema(schema: Schema, walk: Walk, path: string): GbnfJsonSchema {
  const { low, high } = checkIntegerBounds(schema, walk, path);
  if (low === undefined || high === undefined || high - low >= maxEnumeratedRange)
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

function checkIntegerBounds(
  schema: Schema,
  walk: Walk,
  path: string,
): { low?: number; high?: number } {
  const bounds = integerBounds(schema);
  if (bounds.low !== undefined && bounds.high !== undefined && bounds.low > bounds.high)
    throw contradiction(walk, path, `no integer is within ${describeBounds(schema)}`);
  return bounds;
}

function checkNumberBounds(schema: Schema, walk: Walk, path: string): void {
  const number = (key: string) => (typeof schema[key] === 'number' ? schema[key] : undefined);
  const [low, high] = [number('minimum'), number('maximum')];
  const [above, below] = [number('exclusiveMinimum'), number('exclusiveMaximum')];
  const floor = Math.max(low ?? -Infinity, above ?? -Infinity);
  const ceiling = Math.min(high ?? Infinity, below ?? Infinity);
  const open = floor === above || ceiling === below; // an exclusive bound is the binding one
  if (floor > ceiling || (floor === ceiling && open))
    throw contradiction(walk, path, `no number is within ${describeBounds(schema)}`);
}

function describeBounds(schema: Schema): string {
  return ['minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum']
    .filter((key) => typeof schema[key] === 'number')
    .map((key) => `${key} ${String(schema[key])}`)
    .join(', ');
}

/**
 * llama.cpp expands a repetition `x{m,n}` into one rule per repeat and refuses a grammar whose
 * repeats times the rules repeated reach 2000 (`MAX_REPETITION_THRESHOLD` in
 * src/llama-grammar.cpp): node-llama-cpp's strings fail past 1000 characters, arrays past 1001
 * items ("Failed to parse grammar"). A larger minimum goes in as this many (the rest is checked
 * after sampling), a larger maximum is left out of the grammar (and checked after sampling).
 */
export const maxGrammarRepeats = 1000;

function lengthBounds(
  schema: Schema,
  keys: readonly [min: string, max: string],
  walk: Walk,
  path: string,
): { min?: number; max?: number } {
  const [minKey, maxKey] = keys;
  const min = typeof schema[minKey] === 'number' ? schema[minKey] : undefined;
  const max = typeof schema[maxKey] === 'number' ? schema[maxKey] : undefined;
  if (min !== undefined && max !== undefined && min > max)
    throw contradiction(walk, path, `${minKey} ${min} is greater than ${maxKey} ${max}`);
  return {
    ...(min === undefined ? {} : { min: Math.min(min, maxGrammarRepeats) }),
    ...(max === undefined || max > maxGrammarRepeats ? {} : { max }),
  };
}

function stringSchema(schema: Schema, walk: Walk, path: string): GbnfJsonSchema {
  const { min, max } = lengthBounds(schema, ['minLength', 'maxLength'], walk, path);
  if (typeof schema.format === 'string' && stringFormats.has(schema.format))
    return { type: 'string', format: schema.format as 'date-time' | 'time' | 'date' };
  return {
    type: 'string',
    ...(min === undefined ? {} : { minLength: min }),
    ...(max === undefined ? {} : { maxLength: max }),
  };
}

function objectSchema(schema: Schema, walk: Walk, depth: number, path: string): GbnfJsonSchema {
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
  for (const name of required)
    kept[name] = convert(properties[name], walk, depth, join(path, 'properties', name));
  return { type: 'object', properties: kept, required, additionalProperties: false };
}

function arraySchema(schema: Schema, walk: Walk, depth: number, path: string): GbnfJsonSchema {
  const { min, max } = lengthBounds(schema, ['minItems', 'maxItems'], walk, path);
  const prefixItems = Array.isArray(schema.prefixItems) ? schema.prefixItems : undefined;
  return {
    type: 'array',
    ...(schema.items === undefined || typeof schema.items === 'boolean'
      ? {}
      : { items: convert(schema.items, walk, depth, join(path, 'items')) }),
    ...(prefixItems === undefined
      ? {}
      : {
          prefixItems: prefixItems.map((item, i) =>
            convert(item, walk, depth, join(path, 'prefixItems', i)),
          ),
        }),
    ...(min === undefined ? {} : { minItems: min }),
    ...(max === undefined ? {} : { maxItems: max }),
  };
}

function join(path: string, ...keys: Array<string | number>): string {
  return [path, ...keys].filter((key) => key !== '').join('.');
}

function contradiction(walk: Walk, path: string, reason: string): ApiError {
  const where = join(walk.options.at ?? 'schema', path);
  return new ApiError('invalid_request_error', `${where}: ${reason}, so no value fits`);
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
