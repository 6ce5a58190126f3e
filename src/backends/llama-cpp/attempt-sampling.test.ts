import { describe, expect, test } from 'vitest';
import { attemptSampling } from './attempt-sampling.js';

const attempts = [0, 1, 2];

describe('attemptSampling', () => {
  test.each([0, 1, 42, 2 ** 31 - 1])('request seed %i', (seed) => {
    const sampling = { temperature: 1, seed, topK: 40 };
    const seeds = attempts.map((attempt) => attemptSampling(sampling, attempt).seed);
    // The first draw is the request's own; every redraw has a seed of its own.
    expect(seeds[0]).toBe(seed);
    expect(new Set(seeds).size).toBe(attempts.length);
    for (const derived of seeds) {
      expect(Number.isInteger(derived)).toBe(true);
      expect(derived >= 0 && derived < 2 ** 31).toBe(true);
    }
    // The same request seed derives the same seeds, and nothing but the seed changes.
    expect(attempts.map((attempt) => attemptSampling({ ...sampling }, attempt).seed)).toEqual(
      seeds,
    );
    for (const attempt of attempts)
      expect(attemptSampling(sampling, attempt)).toEqual({ ...sampling, seed: seeds[attempt] });
  });

  test.each([
    { seed: 0, attempt: 1, expected: 506_952_121 },
    { seed: 0, attempt: 2, expected: 1_013_904_242 },
    { seed: 2 ** 31 - 1, attempt: 1, expected: 506_952_120 },
  ])('seed $seed, attempt $attempt: $expected', ({ seed, attempt, expected }) => {
    expect(attemptSampling({ temperature: 1, seed }, attempt).seed).toBe(expected);
  });
});
