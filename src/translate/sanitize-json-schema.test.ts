import { expect, test } from 'vitest';
import { sanitizeJsonSchema } from './sanitize-json-schema.js';

const max = 9007199254740991;

test.each([
  {
    name: 'drops $schema and the ±(2^53−1) "no bound" markers',
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        n: { type: 'integer', exclusiveMinimum: 0, maximum: max },
        m: { type: 'integer', minimum: -max },
      },
      additionalProperties: false,
    },
    expected: {
      type: 'object',
      properties: { n: { type: 'integer', exclusiveMinimum: 0 }, m: { type: 'integer' } },
      additionalProperties: false,
    },
  },
  {
    name: 'keeps a property that happens to be called $schema',
    schema: { type: 'object', properties: { $schema: { type: 'string' } } },
    expected: { type: 'object', properties: { $schema: { type: 'string' } } },
  },
  {
    name: 'walks items, anyOf and $defs',
    schema: {
      type: 'array',
      items: { anyOf: [{ type: 'integer', maximum: max }, { $ref: '#/$defs/x' }] },
      $defs: { x: { type: 'number', minimum: -max, maximum: 10 } },
    },
    expected: {
      type: 'array',
      items: { anyOf: [{ type: 'integer' }, { $ref: '#/$defs/x' }] },
      $defs: { x: { type: 'number', maximum: 10 } },
    },
  },
])('$name', ({ schema, expected }) => {
  expect(sanitizeJsonSchema(schema)).toEqual(expected);
});

test('returns the same object when nothing needs removing', () => {
  const schema = { type: 'object', properties: { a: { type: 'string' } } };
  expect(sanitizeJsonSchema(schema)).toBe(schema);
});
