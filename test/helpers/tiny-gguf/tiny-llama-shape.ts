/** The architecture of the model (llama.cpp "llama" architecture with GQA). */
export interface TinyLlamaShape {
  embeddingLength: number;
  blockCount: number;
  headCount: number;
  headCountKv: number;
  feedForwardLength: number;
  ropeFreqBase: number;
  rmsEpsilon: number;
}

/** The default, tiny shape. */
export const tinyLlamaShape: Readonly<TinyLlamaShape> = {
  embeddingLength: 64,
  blockCount: 2,
  headCount: 4,
  headCountKv: 2,
  feedForwardLength: 128,
  ropeFreqBase: 10_000,
  rmsEpsilon: 1e-5,
};

/** Fills unset fields from tinyLlamaShape (in its key order, for stable cache keys); validates. */
export function resolveTinyLlamaShape(shape: Partial<TinyLlamaShape> = {}): TinyLlamaShape {
  const resolved = { ...tinyLlamaShape };
  for (const key of Object.keys(tinyLlamaShape) as (keyof TinyLlamaShape)[]) {
    resolved[key] = shape[key] ?? tinyLlamaShape[key];
  }
  const counts = ['embeddingLength', 'blockCount', 'headCount', 'headCountKv'] as const;
  for (const key of [...counts, 'feedForwardLength'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) {
      throw new Error(`tiny llama shape: ${key} must be a positive integer, got ${resolved[key]}`);
    }
  }
  const { embeddingLength, headCount, headCountKv } = resolved;
  if (embeddingLength % headCount !== 0) {
    throw new Error(
      `tiny llama shape: embeddingLength ${embeddingLength} is not divisible by headCount ${headCount}`,
    );
  }
  if (headCount % headCountKv !== 0) {
    throw new Error(
      `tiny llama shape: headCount ${headCount} is not divisible by headCountKv ${headCountKv}`,
    );
  }
  if (headDimension(resolved) % 2 !== 0) {
    throw new Error(
      `tiny llama shape: head dimension ${headDimension(resolved)} must be even for RoPE`,
    );
  }
  if (!(resolved.ropeFreqBase > 0) || !(resolved.rmsEpsilon > 0)) {
    throw new Error('tiny llama shape: ropeFreqBase and rmsEpsilon must be positive');
  }
  return resolved;
}

export function headDimension(shape: TinyLlamaShape): number {
  return shape.embeddingLength / shape.headCount;
}

/** Width of the K and V projections. */
export function kvLength(shape: TinyLlamaShape): number {
  return headDimension(shape) * shape.headCountKv;
}
