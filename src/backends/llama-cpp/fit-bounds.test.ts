import { describe, expect, it } from 'vitest';
import { fitNumbers } from './fit-numbers.js';

const schema = {
  type: 'object',
  properties: {
    count: { type: 'integer', minimum: 1, maximum: 10 },
    ratio: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    offset: { type: 'integer', exclusiveMinimum: 0 },
    free: { type: 'number' },
    items: { type: 'array', items: { $ref: '#/$defs/percent' } },
  },
  $defs: { percent: { type: 'integer', minimum: 0, maximum: 100 } },
};

describe('fitNumbers', () => {
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
  ])('%s', (_name, value, fitted, changed) => {
    const result = fitNumbers(value, schema);
    expect(result.value).toEqual(fitted);
    expect(result.changed).toBe(changed);
  });

  it('flags an integer a JavaScript client cannot read exactly', () => {
    expect(fitNumbers({ free: 9719687111196112 }, schema).unsafe).toBe(true);
    expect(fitNumbers({ free: 2 ** 53 - 1 }, schema).unsafe).toBe(false);
  });
});
