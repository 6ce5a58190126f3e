import { describe, expect, it } from 'vitest';
import { coerceParameterValue } from './coerce-parameter-value.js';

describe('coerceParameterValue', () => {
  it.each([
    ['5', { type: 'integer' }, 5],
    [' -12 ', { type: 'integer' }, -12],
    ['2.0', { type: 'integer' }, 2],
    ['2.5', { type: 'integer' }, 2.5],
    ['1e3', { type: 'number' }, 1000],
    ['abc', { type: 'number' }, 'abc'],
    ['TRUE', { type: 'boolean' }, true],
    ['yes', { type: 'boolean' }, 'yes'],
    ['{"a": [1]}', { type: 'object' }, { a: [1] }],
    ['[1, 2]', { type: 'object' }, [1, 2]],
    ['[1, 2]', { type: 'array' }, [1, 2]],
    ['null', { type: 'string' }, 'null'],
    ['None', { type: ['string', 'null'] }, null],
    ['7', { anyOf: [{ type: 'integer' }, { type: 'null' }] }, 7],
    ['null', { anyOf: [{ type: 'integer' }, { type: 'null' }] }, null],
    ['b', { enum: ['a', 'b'] }, 'b'],
    ['2', { enum: [1, 2] }, 2],
    [' spaced ', { type: 'string' }, ' spaced '],
    ['42', undefined, '42'],
    ['42', {}, '42'],
    ['{"x": 1}', { type: 'integer' }, { x: 1 }],
    ["['a', 'b']", { type: 'array' }, ['a', 'b']],
    ['(1, 2.5)', { type: 'array' }, [1, 2.5]],
    ["{'k': True, 'n': None, 1: 'x'}", { type: 'object' }, { k: true, n: null, 1: 'x' }],
    ["{'k': 'it\\'s'}", { type: ['object', 'null'] }, { k: "it's" }],
    ["{'k': 1}", { type: 'array' }, "{'k': 1}"],
    ["['a'", { type: 'array' }, "['a'"],
    ["['a']", { type: 'string' }, "['a']"],
    ["['a']", undefined, "['a']"],
    ['[f(x)]', { type: 'array' }, '[f(x)]'],
  ])('%j as %j → %j', (raw, schema, expected) => {
    expect(coerceParameterValue(raw, schema)).toEqual(expected);
  });
});
