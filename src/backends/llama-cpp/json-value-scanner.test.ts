import { describe, expect, it } from 'vitest';
import { JsonValueScanner } from './json-value-scanner.js';

describe('JsonValueScanner', () => {
  it.each([
    ['{"a": 1}', 8, true],
    ['{"a": "}"}', 10, true],
    ['{"a": "\\"}"}', 12, true],
    ['{"a": [1, {"b": 2}]} trailing', 20, true],
    ['{"a": [1, {"b": 2}]', 19, false],
    ['  {}\n', 4, true],
    ['[1, 2]', 6, true],
    ['"Read"\n\n', 6, true],
    ['"a\\"b', 5, false],
    // Top-level scalars: node-llama-cpp's grammars put newlines after the value.
    ['false\n\n\n\n', 5, true],
    ['null', 4, true],
    ['tru', 3, false],
    ['12.5e-3\n\n', 7, true],
    ['-12', 3, false],
  ])('%j', (text, consumed, complete) => {
    const scanner = new JsonValueScanner();
    expect(scanner.push(text)).toBe(consumed);
    expect(scanner.complete).toBe(complete);
  });

  it('finds the end across pieces split anywhere', () => {
    const text = '{"path": "a\\\\\\"}{", "n": [1, {"x": "]"}]}<|im_end|>';
    for (let size = 1; size <= 7; size++) {
      const scanner = new JsonValueScanner();
      let consumed = 0;
      for (let start = 0; start < text.length && !scanner.complete; start += size)
        consumed += scanner.push(text.slice(start, start + size));
      expect(text.slice(0, consumed)).toBe('{"path": "a\\\\\\"}{", "n": [1, {"x": "]"}]}');
    }
  });

  it('ends a top-level number split anywhere at the character after it', () => {
    const text = '-1250.75\n\n\n\n';
    for (let size = 1; size <= 5; size++) {
      const scanner = new JsonValueScanner();
      let consumed = 0;
      for (let start = 0; start < text.length && !scanner.complete; start += size)
        consumed += scanner.push(text.slice(start, start + size));
      expect(text.slice(0, consumed)).toBe('-1250.75');
      expect(scanner.complete).toBe(true);
    }
  });
});
