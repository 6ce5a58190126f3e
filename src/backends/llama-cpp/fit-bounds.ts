import { isPlainObject } from '../../util/is-plain-object.js';
import { integerBounds, resolveRef } from './to-grammar-schema.js';

type Schema = Record<string, unknown>;

/**
 * `value` with every number its schema bounds brought within those bounds (`minimum`,
 * `maximum`, their exclusive forms; integers stay whole), following `properties`, `items` and
 * local `$ref`s; what else the schema says is left to the grammar. `changed` tells whether
 * anything was out of bounds, and `unsafe` whether an integer has more digits than a
 * JavaScript client reads exactly.
 */
export function fitNumbers(
  value: unknown,
  schema: unknown,
): { value: unknown; changed: boolean; unsafe: boolean } {
  const state = { changed: false, unsafe: false };
  const root = isPlainObject(schema) ? schema : {};
  const fitted = fit(value, schema, root, state, 0);
  return { value: fitted, ...state };
}

const maxDepth = 32;

function fit(
  value: unknown,
  schema: unknown,
  root: Schema,
  state: { changed: boolean; unsafe: boolean },
  depth: number,
): unknown {
  if (!isPlainObject(schema) || depth > maxDepth) return value;
  if (typeof schema.$ref === 'string')
    return fit(value, resolveRef(schema.$ref, root), root, state, depth + 1);
  if (typeof value === 'number') return fitNumber(value, schema, state);
  if (Array.isArray(value)) {
    const items = schema.items;
    return isPlainObject(items)
      ? value.map((item) => fit(item, items, root, state, depth + 1))
      : value;
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

function fitNumber(
  value: number,
  schema: Schema,
  state: { changed: boolean; unsafe: boolean },
): number {
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
