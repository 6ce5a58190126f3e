// The metadata keys llama.cpp reads for a "llama" model with a SentencePiece vocabulary,
// mirroring a converted Llama/Qwen GGUF. Types matter: llama.cpp rejects e.g. an int32 count.
import type { GgufTensorType, GgufValue } from './encode-gguf-file.js';
import type { TinyVocabulary } from './build-tiny-vocabulary.js';
import { headDimension, type TinyLlamaShape } from './tiny-llama-shape.js';

export interface TinyLlamaMetadataOptions {
  vocabulary: TinyVocabulary;
  chatTemplate: string;
  contextLength: number;
  endOfTurnTokenId: number;
  description: string;
  shape: TinyLlamaShape;
  /** Storage of the 2-D weight matrices (norms are always F32). */
  weightType: GgufTensorType;
  sampling?: TinySampling;
}

/** `general.sampling.*`: what convert_hf_to_gguf.py takes from generation_config.json. */
export interface TinySampling {
  temp?: number;
  top_k?: number;
  top_p?: number;
  min_p?: number;
}

type Entry = readonly [string, GgufValue];

// llama_ftype: LLAMA_FTYPE_ALL_F32, LLAMA_FTYPE_MOSTLY_F16
const ggmlFileType = { f32: 0, f16: 1 } as const;

export function buildTinyLlamaMetadata(options: TinyLlamaMetadataOptions): Entry[] {
  const { vocabulary, shape } = options;
  const uint32 = (value: number) => ({ type: 'uint32', value }) as const;
  const float32 = (value: number) => ({ type: 'float32', value }) as const;
  const string = (value: string) => ({ type: 'string', value }) as const;
  const bool = (value: boolean) => ({ type: 'bool', value }) as const;
  return [
    ['general.architecture', string('llama')],
    ['general.name', string('ferry-tiny-random-llama')],
    ['general.description', string(options.description)],
    ['general.file_type', uint32(ggmlFileType[options.weightType])],
    ['general.alignment', uint32(32)],
    ...samplingEntries(options.sampling ?? {}),
    ['llama.vocab_size', uint32(vocabulary.tokens.length)],
    ['llama.context_length', uint32(options.contextLength)],
    ['llama.embedding_length', uint32(shape.embeddingLength)],
    ['llama.block_count', uint32(shape.blockCount)],
    ['llama.feed_forward_length', uint32(shape.feedForwardLength)],
    ['llama.attention.head_count', uint32(shape.headCount)],
    ['llama.attention.head_count_kv', uint32(shape.headCountKv)],
    ['llama.attention.layer_norm_rms_epsilon', float32(shape.rmsEpsilon)],
    ['llama.rope.dimension_count', uint32(headDimension(shape))],
    ['llama.rope.freq_base', float32(shape.ropeFreqBase)],
    ['tokenizer.ggml.model', string('llama')],
    ['tokenizer.ggml.pre', string('default')],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocabulary.tokens }],
    ['tokenizer.ggml.scores', { type: 'float32[]', value: vocabulary.scores }],
    ['tokenizer.ggml.token_type', { type: 'int32[]', value: vocabulary.types }],
    ['tokenizer.ggml.bos_token_id', uint32(vocabulary.tokens.indexOf('<s>'))],
    // EOS is the end-of-turn token, as in Qwen's chat GGUFs: generation stops on <|im_end|>.
    ['tokenizer.ggml.eos_token_id', uint32(options.endOfTurnTokenId)],
    ['tokenizer.ggml.unknown_token_id', uint32(vocabulary.tokens.indexOf('<unk>'))],
    ['tokenizer.ggml.padding_token_id', uint32(vocabulary.tokens.indexOf('<unk>'))],
    // ChatML prompts start with <|im_start|>, not BOS; text keeps its spaces as written.
    ['tokenizer.ggml.add_bos_token', bool(false)],
    ['tokenizer.ggml.add_eos_token', bool(false)],
    ['tokenizer.ggml.add_space_prefix', bool(false)],
    ['tokenizer.chat_template', string(options.chatTemplate)],
  ];
}

function samplingEntries(sampling: TinySampling): Entry[] {
  return Object.entries(sampling).map(([key, value]: [string, number]) => [
    `general.sampling.${key}`,
    key === 'top_k' ? { type: 'int32', value } : { type: 'float32', value },
  ]);
}
