import { describe, expect, it } from 'vitest';
import { useFlashAttention } from './load-embedded-model.js';

describe('useFlashAttention', () => {
  it.each([
    ['on', true],
    ['off', false],
    ['auto', undefined],
    [undefined, undefined],
  ] as const)('%s → %s', (setting, expected) => {
    expect(useFlashAttention(setting)).toBe(expected);
  });
});
