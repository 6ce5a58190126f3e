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
    const bad = { max_tokens: 0, messages: [{ role: 'user', content: [{ type: 'text' }] }] };
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
