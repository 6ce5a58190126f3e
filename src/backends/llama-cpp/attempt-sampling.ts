import type { Sampling } from './evaluate-tokens.js';

/**
 * The sampling for one draw of a checked value (see drawJson): the request's own seed for the
 * first draw, and one derived from it for each redraw, so a request sampled on a given seed is
 * drawn the same way every time. node-llama-cpp builds its sampler from the seed on every
 * evaluation, so a redraw on the same seed would draw the same value again.
 */
export function attemptSampling(sampling: Sampling, attempt: number): Sampling {
  if (attempt === 0) return sampling;
  // Spread by the golden ratio's 32-bit constant; node-llama-cpp reads seeds as non-negative.
  return { ...sampling, seed: (sampling.seed + attempt * 0x9e3779b9) % 2 ** 31 };
}
