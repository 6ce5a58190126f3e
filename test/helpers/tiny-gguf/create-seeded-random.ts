/**
 * A seeded uniform generator in [0, 1) (the mulberry32 recipe: a Weyl sequence through an
 * integer mixer). Integer-only arithmetic, so the same seed gives the same weights on every
 * platform and Node version — the cache key and the determinism test rely on that.
 */
export function createSeededRandom(seed: number): () => number {
  // State kept as int32 (`| 0`), not uint32: above 2^31 V8 would box it on every call, which
  // dominates filling large tensors. The bits, and so the output, are the same.
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Fills `length` values uniform in [-a, a] with a = std·√3, i.e. mean 0 and the given standard
 * deviation. Uniform rather than Gaussian avoids Math.log/Math.cos, whose last bit may vary.
 */
export function fillUniform(random: () => number, length: number, std: number): Float32Array {
  const halfWidth = std * Math.sqrt(3);
  const values = new Float32Array(length);
  for (let index = 0; index < length; index++) values[index] = (random() * 2 - 1) * halfWidth;
  return values;
}
