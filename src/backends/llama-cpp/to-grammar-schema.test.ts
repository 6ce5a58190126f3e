import { describe, expect, it } from 'vitest';
import { ApiError } from '../../protocol/api-error.js';
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
    // llama.cpp refuses repetitions past ~1000 (see maxGrammarRepeats).
    ['a large maxLength left out', { type: 'string', maxLength: 5000 }, { type: 'string' }],
    [
      'a large minLength capped',
      { type: 'string', minLength: 2001, maxLength: 3000 },
      { type: 'string', minLength: 1000 },
    ],
    ['a large maxItems left out', { type: 'array', maxItems: 2001 }, { type: 'array' }],
    [
      'a large minItems capped',
      { type: 'array', minItems: 100_000 },
      { type: 'array', minItems: 1000 },
    ],
    [
      'bounds at the cap kept',
      { type: 'array', minItems: 1000, maxItems: 1000 },
      { type: 'array', minItems: 1000, maxItems: 1000 },
    ],
  ])('%s', (_name, input, expected) => {
    expect(toGrammarSchema(input)).toEqual(expected);
  });

  const object = (property: unknown) => ({
    type: 'object',
    properties: { a: property },
    required: ['a'],
  });

  it.each([
    [
      'minimum above maximum',
      object({ type: 'number', minimum: 5, maximum: 1 }),
      'output_config.format.schema.properties.a: no number is within minimum 5, maximum 1',
    ],
    [
      'an exclusive bound at the other',
      { type: 'number', exclusiveMinimum: 1, maximum: 1 },
      'output_config.format.schema: no number is within exclusiveMinimum 1, maximum 1',
    ],
    [
      'no integer between the bounds',
      object({ type: ['integer', 'null'], minimum: 1.2, maximum: 1.8 }),
      'output_config.format.schema.properties.a: no integer is within minimum 1.2, maximum 1.8',
    ],
    [
      'an empty enum',
      object({ enum: [] }),
      'output_config.format.schema.properties.a: enum is empty',
    ],
    [
      'minLength above maxLength, in an anyOf',
      { anyOf: [{ type: 'null' }, { type: 'string', minLength: 3, maxLength: 2 }] },
      'output_config.format.schema.anyOf.1: minLength 3 is greater than maxLength 2',
    ],
    [
      'minItems above maxItems, through a $ref',
      {
        ...object({ $ref: '#/$defs/list' }),
        $defs: { list: { type: 'array', minItems: 2, maxItems: 1 } },
      },
      'output_config.format.schema.$defs.list: minItems 2 is greater than maxItems 1',
    ],
  ])('a schema no value fits is a 400 naming where: %s', (_name, input, message) => {
    const convert = () => toGrammarSchema(input, { at: 'output_config.format.schema' });
    expect(convert).toThrow(ApiError);
    expect(convert).toThrow(`${message}, so no value fits`);
  });

  it('leaves a contradiction alone where no value is generated (an optional property)', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'number', minimum: 5, maximum: 1 } },
    };
    expect(() => toGrammarSchema(schema)).not.toThrow();
  });

  it('tells which keywords the grammar cannot enforce, and where', () => {
    const unenforced: string[] = [];
    toGrammarSchema(
      {
        ...object({ type: 'string', pattern: '^[a-z]+$' }),
        properties: {
          a: { type: 'string', pattern: '^[a-z]+$' },
          b: { type: 'array', items: { type: 'number', multipleOf: 2 }, uniqueItems: true },
          c: { type: 'string', pattern: 'not generated' },
        },
        required: ['a', 'b'],
      },
      { onUnenforced: (path, keyword) => unenforced.push(`${path} ${keyword}`) },
    );
    expect(unenforced).toEqual([
      'properties.a pattern',
      'properties.b uniqueItems',
      'properties.b.items multipleOf',
    ]);
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
