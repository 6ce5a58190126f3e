import { describe, expect, it } from 'vitest';
import { readPython } from './read-python.js';

const literal = (text: string) => readPython(text, (reader) => reader.value());

describe('readPython literal values', () => {
  it.each([
    [`'single' `, 'single'],
    [`"double \\"q\\" \\n \\x41\\u00e9"`, 'double "q" \n Aé'],
    [`'''tri'ple'''`, "tri'ple"],
    ['-1_000.5e1', -10005],
    ['None', null],
    ['[True, False, (1, 2), []]', [true, false, [1, 2], []]],
    [`{'a': {'b': [1,]}, 2: "two"}`, { a: { b: [1] }, 2: 'two' }],
    ['[1, 2', undefined],
    ['[1] [2]', undefined],
    ['{1, 2}', undefined],
    ['os.system("x")', undefined],
    ['__import__', undefined],
    ['['.repeat(201) + ']'.repeat(201), undefined],
  ])('%s → %j', (text, expected) => {
    expect(literal(text)).toEqual(expected);
  });

  it('reads nesting up to 200 levels', () => {
    expect(literal('['.repeat(200) + ']'.repeat(200))).toBeDefined();
  });
});
