import { describe, expect, it } from 'vitest';
import { toGrammarSchema } from './to-grammar-schema.js';

const anyValue = {
  oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'object' }, { type: 'array' }],
};

describe('toGrammarSchema', () => {
  it.each([
    ['empty schema', {}, anyValue],
    ['true', true, anyValue],
    [
      'string bounds',
      { type: 'string', minLength: 1, pattern: 'x' },
      { type: 'string', minLength: 1 },
    ],
    ['string format kept', { type: 'string', format: 'date' }, { type: 'string', format: 'date' }],
    ['string format dropped', { type: 'string', format: 'uri' }, { type: 'string' }],
    ['integer', { type: 'integer', minimum: 0, maximum: 9007199254740991 }, { type: 'integer' }],
    ['integer, one bound', { type: 'integer', minimum: 1 }, { type: 'integer' }],
    ['integer, small range', { type: 'integer', minimum: 1, maximum: 4 }, { enum: [1, 2, 3, 4] }],
    [
      'integer, exclusive bounds',
      { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 3.5 },
      { enum: [1, 2, 3] },
    ],
    [
      'integer, more than 256 values',
      { type: 'integer', minimum: 0, maximum: 256 },
      { type: 'integer' },
    ],
    ['nullable primitive', { type: ['number', 'null'] }, { type: ['number', 'null'] }],
    [
      'nullable string',
      { type: ['string', 'null'] },
      { oneOf: [{ type: 'string' }, { type: 'null' }] },
    ],
    ['const', { const: 'a' }, { const: 'a' }],
    ['enum', { type: 'string', enum: ['a', 'b'] }, { enum: ['a', 'b'] }],
    [
      'anyOf',
      { anyOf: [{ type: 'string' }, { type: 'number' }] },
      { oneOf: [{ type: 'string' }, { type: 'number' }] },
    ],
    [
      'object keeps required properties only',
      {
        type: 'object',
        properties: { command: { type: 'string' }, timeout: { type: 'number' } },
        required: ['command'],
        additionalProperties: false,
        $schema: 'https://json-schema.org/draft/2020-12/schema',
      },
      {
        type: 'object',
        properties: { command: { type: 'string' } },
        required: ['command'],
        additionalProperties: false,
      },
    ],
    ['free-form object', { type: 'object', additionalProperties: true }, { type: 'object' }],
    [
      'array',
      { type: 'array', items: { type: 'string' }, minItems: 1 },
      { type: 'array', items: { type: 'string' }, minItems: 1 },
    ],
    [
      '$ref into $defs',
      {
        type: 'object',
        properties: { todo: { $ref: '#/$defs/Todo' } },
        required: ['todo'],
        $defs: { Todo: { type: 'string' } },
      },
      {
        type: 'object',
        properties: { todo: { type: 'string' } },
        required: ['todo'],
        additionalProperties: false,
      },
    ],
    [
      'allOf merged',
      {
        allOf: [
          { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
          { properties: { b: { type: 'boolean' } }, required: ['b'] },
        ],
      },
      {
        type: 'object',
        properties: { a: { type: 'string' }, b: { type: 'boolean' } },
        required: ['a', 'b'],
        additionalProperties: false,
      },
    ],
  ])('%s', (_name, input, expected) => {
    expect(toGrammarSchema(input)).toEqual(expected);
  });

  it('stops inlining a recursive $ref', () => {
    const schema = {
      type: 'object',
      properties: { child: { $ref: '#' } },
      required: ['child'],
    };
    let level: unknown = toGrammarSchema(schema);
    let depth = 0;
    while ((level as { properties?: { child?: unknown } }).properties?.child !== undefined) {
      level = (level as { properties: { child: unknown } }).properties.child;
      depth++;
    }
    expect(depth).toBeLessThanOrEqual(9);
    expect(level).toEqual(anyValue);
  });
});
