// Random weights with llama.cpp's tensor names and shapes (dimensions in ggml order: the first
// is the input/row length, the second the output count), plus one deliberate structure:
// residual channel 0 is a constant "bias channel". Every token embedding has the same value
// there and no layer writes to it (row 0 of attn_output and ffn_down is zero), so after the
// final norm it is a near-constant input to output.weight. Column 0 of output.weight then acts
// as a per-token logit bias: it makes <|im_end|> likely enough that sampled replies end, and
// keeps byte and special tokens rare so replies are readable pieces.
import { createSeededRandom, fillUniform } from './create-seeded-random.js';
import type { GgufTensor } from './encode-gguf-file.js';
import { kvLength, tinyLlamaShape } from './tiny-llama-shape.js';

export interface TinyLlamaTensorOptions {
  seed: number;
  vocabularySize: number;
  /** Logit bias per token id (0 for most). */
  logitBias: (tokenId: number) => number;
}

const biasChannelValue = 2;
/** Spread of ordinary-token logits; ~1.5 gives varied but not uniform sampling. */
const logitStd = 1.5;
const branchStd = 0.5; // how much each attention/FFN branch adds to the residual stream

export function buildTinyLlamaTensors(options: TinyLlamaTensorOptions): GgufTensor[] {
  const random = createSeededRandom(options.seed);
  const { embeddingLength: embedding, feedForwardLength: ffn } = tinyLlamaShape;
  const tensors: GgufTensor[] = [
    {
      name: 'token_embd.weight',
      dimensions: [embedding, options.vocabularySize],
      data: buildEmbeddings(random, options.vocabularySize),
    },
    { name: 'output_norm.weight', dimensions: [embedding], data: ones(embedding) },
    {
      name: 'output.weight',
      dimensions: [embedding, options.vocabularySize],
      data: buildOutput(random, options),
    },
  ];
  for (let block = 0; block < tinyLlamaShape.blockCount; block++) {
    const linear = (name: string, inputs: number, outputs: number, std: number) =>
      tensor(
        `blk.${block}.${name}.weight`,
        [inputs, outputs],
        fillUniform(random, inputs * outputs, std),
      );
    tensors.push(
      tensor(`blk.${block}.attn_norm.weight`, [embedding], ones(embedding)),
      // q·k/√d stays around 1, so attention mixes context without collapsing onto one token.
      linear('attn_q', embedding, embedding, 2 / Math.sqrt(embedding)),
      linear('attn_k', embedding, kvLength, 2 / Math.sqrt(embedding)),
      linear('attn_v', embedding, kvLength, 1 / Math.sqrt(embedding)),
      residualWrite(
        `blk.${block}.attn_output.weight`,
        fillUniform(random, embedding * embedding, branchStd / Math.sqrt(embedding)),
        embedding,
      ),
      tensor(`blk.${block}.ffn_norm.weight`, [embedding], ones(embedding)),
      linear('ffn_gate', embedding, ffn, 1 / Math.sqrt(embedding)),
      linear('ffn_up', embedding, ffn, 1 / Math.sqrt(embedding)),
      residualWrite(
        `blk.${block}.ffn_down.weight`,
        fillUniform(random, ffn * embedding, (2 * branchStd) / Math.sqrt(ffn)),
        ffn,
      ),
    );
  }
  return tensors;
}

function buildEmbeddings(random: () => number, vocabularySize: number): Float32Array {
  const { embeddingLength } = tinyLlamaShape;
  const data = fillUniform(random, embeddingLength * vocabularySize, 1);
  for (let token = 0; token < vocabularySize; token++)
    data[token * embeddingLength] = biasChannelValue;
  return data;
}

function buildOutput(random: () => number, options: TinyLlamaTensorOptions): Float32Array {
  const { embeddingLength } = tinyLlamaShape;
  const data = fillUniform(
    random,
    embeddingLength * options.vocabularySize,
    logitStd / Math.sqrt(embeddingLength - 1),
  );
  // After RMS norm the bias channel reads about biasChannelValue / rms(residual).
  const biasChannelAfterNorm = biasChannelValue / expectedResidualRms();
  for (let token = 0; token < options.vocabularySize; token++) {
    data[token * embeddingLength] = options.logitBias(token) / biasChannelAfterNorm;
  }
  return data;
}

function expectedResidualRms(): number {
  const { embeddingLength, blockCount } = tinyLlamaShape;
  const otherChannels = (embeddingLength - 1) * (1 + blockCount * 2 * branchStd ** 2);
  return Math.sqrt((biasChannelValue ** 2 + otherChannels) / embeddingLength);
}

/** An output projection that never writes the bias channel (output row 0 is zero). */
function residualWrite(name: string, data: Float32Array, inputs: number): GgufTensor {
  data.fill(0, 0, inputs);
  return tensor(name, [inputs, tinyLlamaShape.embeddingLength], data);
}

function tensor(name: string, dimensions: number[], data: Float32Array): GgufTensor {
  return { name, dimensions, data };
}

function ones(length: number): Float32Array {
  return new Float32Array(length).fill(1);
}
