import { describe, expect, test } from 'vitest';
import type { RequestTool } from '../protocol/messages-request-schema.js';
import { convertTools } from './convert-tools.js';
import { noToolChanges, noToolNames, type ToolChanges } from './tool-changes.js';
import { sameJson, ToolConversionCache } from './tool-conversion-cache.js';

const loading = (names: string[]): ToolChanges => ({ ...noToolChanges, loaded: new Set(names) });

const read = (description = 'Read a file'): RequestTool => ({
  name: 'Read',
  description,
  input_schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { file_path: { type: 'string' }, limit: { type: 'integer', minimum: 1 } },
    required: ['file_path'],
  },
});
const bash: RequestTool = {
  name: 'Bash',
  input_schema: { type: 'object', properties: { command: { type: 'string' } } },
};
/** The same list as a new request would bring it: equal, but no object shared. */
const fresh = (tools: RequestTool[]): RequestTool[] =>
  JSON.parse(JSON.stringify(tools)) as RequestTool[];

describe('sameJson', () => {
  test.each<[string, unknown, unknown, boolean]>([
    ['equal trees', { a: [1, 'x', null, { b: true }] }, { a: [1, 'x', null, { b: true }] }, true],
    ['a different leaf', { a: [1, 2] }, { a: [1, 3] }, false],
    ['keys in another order', { a: 1, b: 2 }, { b: 2, a: 1 }, false],
    ['a key more', { a: 1 }, { a: 1, b: 2 }, false],
    ['an array against an object with its indices', [1], { 0: 1 }, false],
    ['an object against an array', { 0: 1 }, [1], false],
    ['arrays of other lengths', [1, 2], [1, 2, 3], false],
    ['null against an object', null, {}, false],
    ['a number against its string', 1, '1', false],
  ])('%s', (_name, a, b, same) => {
    expect(sameJson(a, b)).toBe(same);
    expect(sameJson(b, a)).toBe(same);
  });
});

describe('ToolConversionCache', () => {
  test('converts as convertTools does, with the schemas by name', () => {
    const converted = new ToolConversionCache().convert([read(), bash]);
    expect(converted.functions).toEqual(convertTools([read(), bash]));
    expect([...converted.schemas.keys()]).toEqual(['Read', 'Bash']);
  });

  test('the same tools in a later request get the same objects back, frozen', () => {
    const cache = new ToolConversionCache();
    const first = cache.convert([read(), bash]);
    const again = cache.convert(fresh([read(), bash]));
    expect(again).toBe(first);
    expect(Object.isFrozen(first.functions)).toBe(true);
    expect(Object.isFrozen(first.functions[0]!.function.parameters)).toBe(true);
    expect(() => first.functions.push(first.functions[0]!)).toThrow(TypeError);
  });

  test.each<[string, RequestTool[]]>([
    ['another description', [read('Read a file from disk'), bash]],
    ['another order', [bash, read()]],
    ['a tool fewer', [read()]],
  ])('%s is converted anew', (_name, tools) => {
    const cache = new ToolConversionCache();
    const first = cache.convert([read(), bash]);
    const other = cache.convert(tools);
    expect(other).not.toBe(first);
    expect(other.functions).toEqual(convertTools(tools));
  });

  test('keeps the most recently used lists up to its capacity', () => {
    const cache = new ToolConversionCache(2);
    const a = cache.convert([read('a')]);
    const b = cache.convert([read('b')]);
    expect(cache.convert([read('a')])).toBe(a); // now the most recent
    cache.convert([read('c')]); // evicts b, the least recent
    expect(cache.convert([read('a')])).toBe(a);
    expect(cache.convert([read('b')])).not.toBe(b);
  });

  test('deferred tools loaded by tool references: one kept conversion per set of them', () => {
    const deferred = (name: string): RequestTool => ({
      name,
      input_schema: { type: 'object' },
      defer_loading: true,
    });
    const tools = [bash, deferred('NotebookEdit'), deferred('WebFetch')];
    const cache = new ToolConversionCache();
    const base = cache.convert(tools);
    const names = (converted: typeof base) => converted.functions.map((f) => f.function.name);
    expect(names(base)).toEqual(['Bash']);
    const notebook = cache.convert(fresh(tools), loading(['NotebookEdit']));
    expect(names(notebook)).toEqual(['Bash', 'NotebookEdit']);
    expect(cache.convert(fresh(tools), loading(['NotebookEdit']))).toBe(notebook);
    expect(Object.isFrozen(notebook.functions)).toBe(true);
    // A loaded name that is not a deferred tool changes nothing: the list as without.
    expect(cache.convert(fresh(tools), loading(['Bash']))).toBe(base);
    const both = cache.convert(fresh(tools), loading(['WebFetch', 'NotebookEdit']));
    expect(names(both)).toEqual(['Bash', 'NotebookEdit', 'WebFetch']);
    expect(cache.convert(fresh(tools))).toBe(base);
  });

  test('removals and tools defined by value: one kept conversion per distinct change', () => {
    const tools = [bash, { ...bash, name: 'Read' }];
    const cache = new ToolConversionCache();
    const base = cache.convert(tools);
    const names = (converted: typeof base) => converted.functions.map((f) => f.function.name);
    const withoutRead: ToolChanges = { ...noToolChanges, removed: new Set(['Read']) };
    const removed = cache.convert(fresh(tools), withoutRead);
    expect(names(removed)).toEqual(['Bash']);
    expect(cache.convert(fresh(tools), { ...withoutRead })).toBe(removed);
    const lookup: RequestTool = { name: 'lookup', input_schema: { type: 'object' } };
    const added = cache.convert(fresh(tools), { ...noToolChanges, defined: [lookup] });
    expect(names(added)).toEqual(['Bash', 'Read', 'lookup']);
    expect(added.schemas.get('lookup')).toEqual(lookup.input_schema);
    expect(cache.convert(fresh(tools), { ...noToolChanges, defined: [{ ...lookup }] })).toBe(added);
    // A removal of a name the list does not have changes nothing.
    expect(cache.convert(fresh(tools), { ...noToolChanges, removed: new Set(['x']) })).toBe(base);
    expect(cache.convert(fresh(tools), { ...noToolChanges, loaded: noToolNames })).toBe(base);
  });

  test('a list with a hosted tool still fails, and is not kept', () => {
    const cache = new ToolConversionCache();
    const hosted = { type: 'web_search_20250305', name: 'web_search' } as unknown as RequestTool;
    expect(() => cache.convert([hosted])).toThrow(/runs on Anthropic's servers/);
    expect(() => cache.convert([hosted])).toThrow(/runs on Anthropic's servers/);
  });
});
