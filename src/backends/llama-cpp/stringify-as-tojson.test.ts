import { describe, expect, it } from 'vitest';
import { stringifyAsTojson } from './stringify-as-tojson.js';

describe('stringifyAsTojson', () => {
  it.each<[unknown, string]>([
    [{ a: 1, b: [2, 3] }, '{"a": 1, "b": [2, 3]}'],
    [{ nested: { x: null, y: 'é"' } }, '{"nested": {"x": null, "y": "é\\""}}'],
    [[], '[]'],
    [{}, '{}'],
    [0.5, '0.5'],
    [false, 'false'],
  ])('%j', (value, text) => {
    expect(stringifyAsTojson(value)).toBe(text);
  });
});
