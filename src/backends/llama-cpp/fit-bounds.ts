import { isPlainObject } from '../../util/is-plain-object.js';
import { integerBounds, resolveRef } from './to-grammar-schema.js';

type Schema = Record<string, unknown>;

interface FitState {
  changed: boolean;
  unsafe: boolean;
  short: boolean;
}

/**
 * `value` brought within the bounds grammars do not hold to: every number within its schema's
 * `minimum`, `maximum` and their exclusive forms (integers stay whole), every string and array
 * cut to its `maxLength` / `maxItems`; following `properties`, `items` and local `$ref`s, what
 * else the schema says is left to the grammar. `changed` tells whether anything was out of
 * bounds, `unsafe` whether an integer has more digits than a JavaScript client reads exactly,
 * and `short` whether a string or array is below its `minLength` / `minItems`, which no cut
 * can mend (the grammar holds only part of a large minimum: see maxGrammarRepeats).
 */
export function fitBounds(value: unknown, schema: unknown): { value: unknown } & FitState {
  const state = { changed: false, unsafe: false, short: false };
  const root = isPlainObject(schema) ? schema : {};
  const fitted = fit(value, schema, root, state, 0);
  return { value: fitted, ...state };
}

const maxDepth = 32;

function fit(
  value: unknown,
  schema: unknown,
  root: Schema,
  state: FitState,
  depth: number,
): unknown {
  if (!isPlainObject(schema) || depth > maxDepth) return value;
  if (typeof schema.$ref === 'string')
    return fit(value, resolveRef(schema.$ref, root), root, state, depth + 1);
  if (typeof value === 'number') return fitNumber(value, schema, state);
  if (typeof value === 'string') {
    // JSON Schema counts characters (code points), not UTF-16 units.
    const characters = [...value];
    return fitLength(characters, schema, 'minLength', 'maxLength', state).join('');
  }
  if (Array.isArray(value)) {
    const items = schema.items;
    const fitted = fitLength(value, schema, 'minItems', 'maxItems', state);
    return isPlainObject(items)
      ? fitted.map((item) => fit(item, items, root, state, depth + 1))
      : fitted;
  }
  if (isPlainObject(value) && isPlainObject(schema.properties)) {
    const properties = schema.properties;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        fit(item, properties[key], root, state, depth + 1),
      ]),
    );
  }
  return value;
}

function fitLength<T>(
  list: T[],
  schema: Schema,
  minKey: string,
  maxKey: string,
  state: FitState,
): T[] {
  const min = schema[minKey];
  const max = schema[maxKey];
  if (typeof min === 'number' && list.length < min) state.short = true;
  if (typeof max !== 'number' || list.length <= max) return list;
  state.changed = true;
  return list.slice(0, Math.max(0, Math.floor(max)));
}

function fitNumber(value: number, schema: Schema, state: FitState): number {
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) state.unsafe = true;
  let fitted = value;
  if (schema.type === 'integer') {
    const { low, high } = integerBounds(schema);
    if (low !== undefined && fitted < low) fitted = low;
    if (high !== undefined && fitted > high) fitted = high;
  } else {
    const low = typeof schema.minimum === 'number' ? schema.minimum : undefined;
    const high = typeof schema.maximum === 'number' ? schema.maximum : undefined;
    const above = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined;
    const below = typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : undefined;
    const floor = above ?? low;
    const ceiling = below ?? high;
    // The nearest allowed value; for an exclusive bound, halfway to the other bound (or 1 past).
    if (low !== undefined && fitted < low) fitted = low;
    if (high !== undefined && fitted > high) fitted = high;
    if (above !== undefined && fitted <= above)
      fitted = ceiling === undefined ? above + 1 : (above + ceiling) / 2;
    if (below !== undefined && fitted >= below)
      fitted = floor === undefined ? below - 1 : (floor + below) / 2;
  }
  if (fitted !== value) state.changed = true;
  return fitted;
}
