import { describe, expect, test } from 'vitest';
import { ToolConversionCache } from '../translate/tool-conversion-cache.js';
import { countTokensRequestSchema, messagesRequestSchema } from './messages-request-schema.js';
import { parseRequestBody, parseWithKnownTools } from './parse-messages-request.js';

const tools = () => [
  {
    name: 'Read',
    description: 'Read a file',
    input_schema: { type: 'object', properties: { file_path: { type: 'string' } } },
    cache_control: { type: 'ephemeral' }, // not Ferry's: stripped by validation
  },
  { name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } },
];
/** A request body as JSON.parse gives it: nothing shared with any other. */
const body = (fields: Record<string, unknown> = {}): Record<string, unknown> => ({
  model: 'm',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'hi' }],
  tools: tools(),
  ...fields,
});
const parse = (cache: ToolConversionCache, fields: Record<string, unknown> = {}) =>
  parseWithKnownTools(messagesRequestSchema, body(fields), cache);

describe('parseWithKnownTools', () => {
  test('gives what parseRequestBody gives', () => {
    const cache = new ToolConversionCache();
    const plain = parseRequestBody(messagesRequestSchema, body());
    expect(parse(cache)).toEqual(plain);
    expect(parse(cache)).toEqual(plain); // from the cache
  });

  test('a tool list that came before is not validated again: its first copy comes back, frozen', () => {
    const cache = new ToolConversionCache();
    const first = parse(cache).tools;
    const again = parse(cache, { messages: [{ role: 'user', content: 'next turn' }] });
    expect(again.tools).toBe(first);
    expect(again.messages).toEqual([{ role: 'user', content: 'next turn' }]);
    expect(Object.isFrozen((first?.[0] as { input_schema: object }).input_schema)).toBe(true);
  });

  test('the rest of the body is still validated, with the same errors', () => {
    const cache = new ToolConversionCache();
    parse(cache);
    const bad = { max_tokens: -1, messages: [{ role: 'user', content: [{ type: 'text' }] }] };
    const message = (run: () => unknown): string => {
      try {
        run();
        return 'no error';
      } catch (error) {
        return (error as Error).message;
      }
    };
    const expected = message(() => parseRequestBody(messagesRequestSchema, body(bad)));
    expect(expected).toMatch(/max_tokens/);
    expect(message(() => parse(cache, bad))).toBe(expected);
  });

  test('a list that failed is never kept: it fails again', () => {
    const cache = new ToolConversionCache();
    const twice = [...tools(), { name: 'Read', input_schema: { type: 'object' } }];
    for (let i = 0; i < 2; i++)
      expect(() => parse(cache, { tools: twice })).toThrow(
        'tools.2.name: Tool names must be unique.',
      );
  });

  test('a list that differs in anything is validated anew', () => {
    const cache = new ToolConversionCache();
    const first = parse(cache).tools;
    const described = tools();
    described[1] = { ...described[1]!, description: 'Run a command' } as (typeof described)[1];
    const other = parse(cache, { tools: described }).tools;
    expect(other).not.toBe(first);
    expect(other?.[1]).toMatchObject({ description: 'Run a command' });
    // Only a stripped field differs: the same validated list, now found by this raw form too.
    const uncached = tools().map(({ cache_control: _c, ...tool }) => tool);
    expect(parse(cache, { tools: uncached }).tools).toBe(first);
    expect(parse(cache, { tools: uncached }).tools).toBe(first);
  });

  test('count_tokens bodies share the kept lists', () => {
    const cache = new ToolConversionCache();
    const first = parse(cache).tools;
    const { max_tokens: _m, ...counted } = body();
    expect(parseWithKnownTools(countTokensRequestSchema, counted, cache).tools).toBe(first);
  });
});

describe('ToolConversionCache.parseBody with parseWithKnownTools', () => {
  /** The JSON text of a request, tools near the end as Claude Code sends them. */
  const text = (turn: string, fields: Record<string, unknown> = {}): string =>
    JSON.stringify({ ...body({ messages: [{ role: 'user', content: turn }] }), ...fields });
  const parseText = (cache: ToolConversionCache, json: string) =>
    parseWithKnownTools(messagesRequestSchema, cache.parseBody(json), cache);

  test('a tool list whose text came before is not parsed again; the result is the same', () => {
    const cache = new ToolConversionCache();
    const first = parseText(cache, text('one'));
    const next = text('a second, longer turn');
    const spliced = cache.parseBody(next) as { tools: unknown };
    expect(Object.isFrozen(spliced.tools)).toBe(true); // the list kept from the first body
    expect(spliced).toEqual(JSON.parse(next));
    const parsed = parseText(cache, next);
    expect(parsed).toEqual(parseRequestBody(messagesRequestSchema, JSON.parse(next)));
    expect(parsed.tools).toBe(first.tools);
  });

  test('a body whose tools moved far from where they were is parsed whole, then found again', () => {
    const cache = new ToolConversionCache();
    const first = parseText(cache, text('one'));
    const moved = text('two', { metadata: { user_id: 'x'.repeat(1000) } });
    expect(Object.isFrozen((cache.parseBody(moved) as { tools: unknown }).tools)).toBe(false);
    expect(parseText(cache, moved).tools).toBe(first.tools);
    const after = text('three', { metadata: { user_id: 'y'.repeat(1000) } });
    expect(Object.isFrozen((cache.parseBody(after) as { tools: unknown }).tools)).toBe(true);
    expect(parseText(cache, after).tools).toBe(first.tools);
  });

  test('a list that keeps moving is left to the comparison of parsed lists', () => {
    const cache = new ToolConversionCache();
    const first = parseText(cache, text('one'));
    for (let i = 1; i <= 12; i++) {
      const moved = text(`turn ${i}`, { metadata: { user_id: 'x'.repeat(300 * i) } });
      expect(Object.isFrozen((cache.parseBody(moved) as { tools: unknown }).tools)).toBe(false);
      expect(parseText(cache, moved).tools).toBe(first.tools);
    }
  });

  test('a list that failed validation is never found by its text', () => {
    const cache = new ToolConversionCache();
    const twice = [...tools(), { name: 'Read', input_schema: { type: 'object' } }];
    for (let i = 0; i < 2; i++) {
      const json = text(`turn ${i}`, { tools: twice });
      expect(Object.isFrozen((cache.parseBody(json) as { tools: unknown }).tools)).toBe(false);
      expect(() => parseText(cache, json)).toThrow('tools.2.name: Tool names must be unique.');
    }
  });

  test('a list pushed out of the cache is parsed again', () => {
    const cache = new ToolConversionCache(2);
    parseText(cache, text('one'));
    for (const name of ['A', 'B'])
      parseText(cache, text(name, { tools: [{ name, input_schema: { type: 'object' } }] }));
    expect(Object.isFrozen((cache.parseBody(text('two')) as { tools: unknown }).tools)).toBe(false);
  });
});
