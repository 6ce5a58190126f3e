// Random weights with llama.cpp's tensor names and shapes (dimensions in ggml order: the first
// is the input/row length, the second the output count), plus one deliberate structure:
// residual channel 0 is a constant "bias channel". Every token embedding has the same value
// there, no layer reads it (the block norms weight it 0) or writes it (row 0 of attn_output and
// ffn_down is 0), so after the final norm it is a steady input to output.weight, whose column 0
// then acts as a per-token logit bias: it makes <|im_end|> likely enough that replies end, and
// keeps byte pieces, special tokens and word fragments rare so replies read as words.
import { createSeededRandom, fillUniform } from './create-seeded-random.js';
import type { GgufTensor, GgufTensorType } from './encode-gguf-file.js';
import { kvLength, type TinyLlamaShape } from './tiny-llama-shape.js';

export interface TinyLlamaTensorOptions {
  seed: number;
  vocabularySize: number;
  shape: TinyLlamaShape;
  /** Storage of the 2-D matrices; norms stay F32. */
  weightType: GgufTensorType;
  /** Logit bias per token id (0 for most). */
  logitBias: (tokenId: number) => number;
}

/**
 * Comparable to the other channels (std 1): a dominant bias channel would shrink every other
 * logit whenever the rest of the residual is small, and <|im_end|> would win at such positions.
 */
const biasChannelValue = 2;
/**
 * Spread of ordinary-token logits. Wide, as in a trained model, so one piece usually stands out:
 * greedy decoding then ends when <|im_end|> happens to lead, about as often as sampling picks
 * it, rather than after a token or two.
 */
const logitStd = 5;
/** How much each attention and FFN branch adds to the residual stream. */
const branchStd = 0.5;

export function buildTinyLlamaTensors(options: TinyLlamaTensorOptions): GgufTensor[] {
  const random = createSeededRandom(options.seed);
  const { shape, vocabularySize, weightType } = options;
  const embedding = shape.embeddingLength;
  const vocabularyMatrix = [embedding, vocabularySize];
  return [
    tensor('token_embd.weight', vocabularyMatrix, buildEmbeddings(random, options), weightType),
    tensor('output_norm.weight', [embedding], new Float32Array(embedding).fill(1)),
    tensor('output.weight', vocabularyMatrix, buildOutput(random, options), weightType),
    ...Array.from({ length: shape.blockCount }, (_, block) =>
      buildBlock(random, options, `blk.${block}.`),
    ).flat(),
  ];
}

function buildBlock(
  random: () => number,
  { shape, weightType }: TinyLlamaTensorOptions,
  prefix: string,
): GgufTensor[] {
  const { embeddingLength: embedding, feedForwardLength: ffn } = shape;
  const kv = kvLength(shape);
  const linear = (name: string, inputs: number, outputs: number, std: number) =>
    tensor(
      `${prefix}${name}`,
      [inputs, outputs],
      fillUniform(random, inputs * outputs, std),
      weightType,
    );
  const residualWrite = (name: string, inputs: number, std: number) => {
    const weights = linear(name, inputs, embedding, std);
    weights.data.fill(0, 0, inputs); // output row 0: leave the bias channel alone
    return weights;
  };
  return [
    tensor(`${prefix}attn_norm.weight`, [embedding], blockNormWeights(shape)),
    // q·k/√d stays around 1, so attention mixes context without collapsing onto one token.
    linear('attn_q.weight', embedding, embedding, 2 / Math.sqrt(embedding)),
    linear('attn_k.weight', embedding, kv, 2 / Math.sqrt(embedding)),
    linear('attn_v.weight', embedding, kv, 1 / Math.sqrt(embedding)),
    residualWrite('attn_output.weight', embedding, branchStd / Math.sqrt(embedding)),
    tensor(`${prefix}ffn_norm.weight`, [embedding], blockNormWeights(shape)),
    linear('ffn_gate.weight', embedding, ffn, 1 / Math.sqrt(embedding)),
    linear('ffn_up.weight', embedding, ffn, 1 / Math.sqrt(embedding)),
    residualWrite('ffn_down.weight', ffn, (2 * branchStd) / Math.sqrt(ffn)),
  ];
}

function buildEmbeddings(random: () => number, options: TinyLlamaTensorOptions): Float32Array {
  const { embeddingLength } = options.shape;
  const data = fillUniform(random, embeddingLength * options.vocabularySize, 1);
  for (let token = 0; token < options.vocabularySize; token++) {
    data[token * embeddingLength] = biasChannelValue;
  }
  return data;
}

function buildOutput(random: () => number, options: TinyLlamaTensorOptions): Float32Array {
  const { embeddingLength } = options.shape;
  const rowStd = logitStd / Math.sqrt(embeddingLength - 1);
  const data = fillUniform(random, embeddingLength * options.vocabularySize, rowStd);
  // After the final RMS norm the bias channel reads about biasChannelValue / rms(residual).
  const biasChannelAfterNorm = biasChannelValue / expectedResidualRms(options.shape);
  for (let token = 0; token < options.vocabularySize; token++) {
    data[token * embeddingLength] = options.logitBias(token) / biasChannelAfterNorm;
  }
  return data;
}

function expectedResidualRms(shape: TinyLlamaShape): number {
  const { embeddingLength, blockCount } = shape;
  const otherChannels = (embeddingLength - 1) * (1 + blockCount * 2 * branchStd ** 2);
  return Math.sqrt((biasChannelValue ** 2 + otherChannels) / embeddingLength);
}

/** RMS-norm weights that zero the bias channel, so attention and FFN inputs never see it. */
function blockNormWeights(shape: TinyLlamaShape): Float32Array {
  const weights = new Float32Array(shape.embeddingLength).fill(1);
  weights[0] = 0;
  return weights;
}

function tensor(
  name: string,
  dimensions: number[],
  data: Float32Array,
  type: GgufTensorType = 'f32',
): GgufTensor {
  return { name, dimensions, data, type };
}
