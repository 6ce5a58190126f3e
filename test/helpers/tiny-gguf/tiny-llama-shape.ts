/** The architecture constants of the tiny model (llama.cpp "llama" architecture with GQA). */
export const tinyLlamaShape = {
  embeddingLength: 64,
  blockCount: 2,
  headCount: 4,
  headCountKv: 2,
  feedForwardLength: 128,
  ropeFreqBase: 10_000,
  rmsEpsilon: 1e-5,
} as const;

export const headDimension = tinyLlamaShape.embeddingLength / tinyLlamaShape.headCount;
export const kvLength = headDimension * tinyLlamaShape.headCountKv;
