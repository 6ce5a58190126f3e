import { describe, expect, it } from 'vitest';
import { DelimiterSet } from './delimiter-set.js';
import { HoldBackBuffer } from './hold-back-buffer.js';

describe('DelimiterSet', () => {
  const set = new DelimiterSet(['<a>', '<ab>', '[X]']);

  it('finds the earliest delimiter, the longest at one index', () => {
    expect(set.find('x<ab>y<a>')).toEqual({ index: 1, delimiter: '<ab>' });
    expect(set.find('[X]<a>')).toEqual({ index: 0, delimiter: '[X]' });
    expect(set.find('nothing')).toBeUndefined();
  });

  it('holds only a tail that could still become a delimiter', () => {
    expect(set.holdFrom('text <')).toBe(5);
    expect(set.holdFrom('text <a')).toBe(5);
    expect(set.holdFrom('text <b')).toBe(7);
    expect(set.holdFrom('text [X')).toBe(5);
    expect(new DelimiterSet([]).holdFrom('abc')).toBe(3);
  });
});

describe('HoldBackBuffer', () => {
  it('releases text once it clearly is no delimiter', () => {
    const buffer = new HoldBackBuffer();
    const set = new DelimiterSet(['<tool_call>']);
    buffer.push('hi <tool');
    expect(buffer.next(set)).toEqual({ text: 'hi ' });
    buffer.push('_calx');
    expect(buffer.next(set)).toEqual({ text: '<tool_calx' });
    buffer.push('a<tool_call>b');
    expect(buffer.next(set)).toEqual({ text: 'a', delimiter: '<tool_call>' });
    expect(buffer.takeAll()).toBe('b');
  });
});
