import { describe, expect, it } from 'vitest';
import { fitBounds } from './fit-bounds.js';

const schema = {
  type: 'object',
  properties: {
    count: { type: 'integer', minimum: 1, maximum: 10 },
    ratio: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    offset: { type: 'integer', exclusiveMinimum: 0 },
    free: { type: 'number' },
    items: { type: 'array', items: { $ref: '#/$defs/percent' } },
    name: { type: 'string', minLength: 2, maxLength: 4 },
    tags: { type: 'array', items: { type: 'string', maxLength: 1 }, minItems: 1, maxItems: 2 },
  },
  $defs: { percent: { type: 'integer', minimum: 0, maximum: 100 } },
};

describe('fitBounds', () => {
  it.each<[string, unknown, unknown, boolean]>([
    [
      'within bounds',
      { count: 3, ratio: 0.5, offset: 7 },
      { count: 3, ratio: 0.5, offset: 7 },
      false,
    ],
    ['below a minimum', { count: 0 }, { count: 1 }, true],
    ['above a maximum', { count: 9719687111196112 }, { count: 10 }, true],
    ['at an exclusive minimum', { ratio: 0 }, { ratio: 0.5 }, true],
    ['below an exclusive minimum, no maximum', { offset: -3 }, { offset: 1 }, true],
    ['unbounded', { free: -1e6 }, { free: -1e6 }, false],
    ['through items and $ref', { items: [5, 150, -1] }, { items: [5, 100, 0] }, true],
    ['a property the schema does not name', { other: 99 }, { other: 99 }, false],
    ['a string within its lengths', { name: 'abc' }, { name: 'abc' }, false],
    ['a string past maxLength, cut', { name: 'abcdef' }, { name: 'abcd' }, true],
    ['characters, not UTF-16 units', { name: '😀😀😀😀' }, { name: '😀😀😀😀' }, false],
    ['an array past maxItems, cut', { tags: ['a', 'b', 'c'] }, { tags: ['a', 'b'] }, true],
    ['items of a cut array fitted too', { tags: ['ab'] }, { tags: ['a'] }, true],
  ])('%s', (_name, value, fitted, changed) => {
    const result = fitBounds(value, schema);
    expect(result.value).toEqual(fitted);
    expect(result.changed).toBe(changed);
  });

  it.each<[string, unknown]>([
    ['a string below minLength', { name: 'a' }],
    ['an array below minItems', { tags: [] }],
    ['a top-level string', 'x'],
  ])('flags %s as short: no cut mends it', (_name, value) => {
    const short = typeof value === 'string' ? { type: 'string', minLength: 2 } : schema;
    expect(fitBounds(value, short)).toMatchObject({ short: true, changed: false });
  });

  it('flags an integer a JavaScript client cannot read exactly', () => {
    expect(fitBounds({ free: 9719687111196112 }, schema).unsafe).toBe(true);
    expect(fitBounds({ free: 2 ** 53 - 1 }, schema).unsafe).toBe(false);
  });
});
