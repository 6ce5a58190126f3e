import { describe, expect, it } from 'vitest';
import { defaultBatchSize } from './load-embedded-model.js';

describe('defaultBatchSize', () => {
  it.each([
    [0, 256],
    [1, 512],
    [33, 512],
  ])('%i GPU layers → %i', (gpuLayers, expected) => {
    expect(defaultBatchSize(gpuLayers)).toBe(expected);
  });
});
