// Writes a tiny random-weight "llama" GGUF with a generated SentencePiece vocab, ChatML/Qwen
// chat and tool tokens and a Qwen-style Jinja template, so engine tests can run real llama.cpp
// inference without downloading a model. Same options → byte-identical file.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTinyLlamaMetadata, type TinySampling } from './build-tiny-llama-metadata.js';
import { buildTinyLlamaTensors } from './build-tiny-llama-tensors.js';
import { buildTinyVocabulary, tokenType } from './build-tiny-vocabulary.js';
import { encodeGgufFile, type GgufTensorType } from './encode-gguf-file.js';
import { qwenChatTemplate } from './qwen-chat-template.js';
import { resolveTinyLlamaShape, type TinyLlamaShape } from './tiny-llama-shape.js';

export interface TinyGgufOptions {
  /** Seed of every random weight. Default 1. */
  seed?: number;
  /**
   * Logit bias of `<|im_end|>` over an ordinary word (whose logits spread with std ~5).
   * Default 5.5: at temperature 0.8 (top-k 40, top-p 0.95) free-running replies end after a
   * median of 20–40 tokens depending on seed and prompt, and greedy replies mostly end within
   * ~200; lengths are roughly geometric, so a few end after 1–3 tokens. 5 → median 25–65;
   * 0 → replies practically never end.
   */
  endOfTurnBias?: number;
  /** `llama.context_length` metadata (the model has no learned positions). Default 32768. */
  contextLength?: number;
  /**
   * Architecture; unset fields come from tinyLlamaShape (embedding 64, 2 blocks, 4 heads, 2 KV
   * heads, FFN 128). Larger shapes give benchmarks a real model's per-token compute.
   * Throws unless embeddingLength % headCount, headCount % headCountKv are 0 and the head
   * dimension is even.
   */
  shape?: Partial<TinyLlamaShape>;
  /** Storage of the 2-D weight matrices (norms stay F32). Default 'f32'; 'f16' halves the file. */
  weightType?: GgufTensorType;
  /** Recommended sampling (`general.sampling.*`, as conversions write it). Default: none. */
  sampling?: TinySampling;
}

type ResolvedOptions = Required<Omit<TinyGgufOptions, 'shape' | 'sampling'>> & {
  shape: TinyLlamaShape;
  sampling?: TinySampling;
};

/** Bump whenever the written bytes change, so cached files from older writers are not reused. */
export const tinyGgufWriterVersion = 2;

const defaults = { seed: 1, endOfTurnBias: 5.5, contextLength: 32_768, weightType: 'f32' } as const;

/** Logit bias that keeps byte pieces and special tokens out of free-running text. */
const rareTokenBias = -20;
/** Logit bias against word fragments (`▁betw`), so sampled text is mostly whole words. */
const fragmentBias = -6;

/** Writes the model to `filePath` (overwriting it). */
export async function writeTinyGguf(
  filePath: string,
  options: TinyGgufOptions = {},
): Promise<void> {
  await writeFile(filePath, encodeTinyGguf(resolveOptions(options)));
}

/** Where tinyGgufPath caches models unless told otherwise. */
export const defaultTinyGgufDirectory = join(tmpdir(), 'ferry-test-models');

/**
 * Returns the path of a cached model for these options in `directory` (default
 * `os.tmpdir()/ferry-test-models/`), writing it first if needed. Safe under concurrent callers
 * (vitest workers): each writes its own temporary file and renames it into place; rename
 * replaces atomically, and every writer produces the same bytes.
 */
export async function tinyGgufPath(
  options: TinyGgufOptions = {},
  directory = defaultTinyGgufDirectory,
): Promise<string> {
  const resolved = resolveOptions(options);
  const key = createHash('sha256')
    .update(JSON.stringify({ tinyGgufWriterVersion, ...resolved }))
    .digest('hex');
  const filePath = join(directory, `tiny-llama-${key.slice(0, 16)}.gguf`);
  if (await isFile(filePath)) return filePath;
  await mkdir(directory, { recursive: true });
  const temporaryPath = `${filePath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporaryPath, encodeTinyGguf(resolved));
    await rename(temporaryPath, filePath);
  } finally {
    await rm(temporaryPath, { force: true });
  }
  return filePath;
}

function encodeTinyGguf(options: ResolvedOptions): Buffer {
  const vocabulary = buildTinyVocabulary();
  const endOfTurnTokenId = vocabulary.tokens.indexOf('<|im_end|>');
  const logitBias = (tokenId: number) => {
    if (tokenId === endOfTurnTokenId) return options.endOfTurnBias;
    if (vocabulary.types[tokenId] !== tokenType.normal) return rareTokenBias;
    return vocabulary.fragments[tokenId] ? fragmentBias : 0;
  };
  return encodeGgufFile({
    metadata: buildTinyLlamaMetadata({
      vocabulary,
      chatTemplate: qwenChatTemplate,
      contextLength: options.contextLength,
      endOfTurnTokenId,
      shape: options.shape,
      weightType: options.weightType,
      ...(options.sampling === undefined ? {} : { sampling: options.sampling }),
      description: `random weights for Ferry's tests (seed ${options.seed}); generated SentencePiece vocab with ChatML and tool tokens`,
    }),
    tensors: buildTinyLlamaTensors({
      seed: options.seed,
      vocabularySize: vocabulary.tokens.length,
      shape: options.shape,
      weightType: options.weightType,
      logitBias,
    }),
  });
}

function resolveOptions(options: TinyGgufOptions): ResolvedOptions {
  const weightType = options.weightType ?? defaults.weightType;
  if (weightType !== 'f32' && weightType !== 'f16') {
    throw new Error(`tiny GGUF: weightType must be 'f32' or 'f16', got ${String(weightType)}`);
  }
  return {
    seed: options.seed ?? defaults.seed,
    endOfTurnBias: options.endOfTurnBias ?? defaults.endOfTurnBias,
    contextLength: options.contextLength ?? defaults.contextLength,
    shape: resolveTinyLlamaShape(options.shape),
    weightType,
    // Absent unless given, so the cache key of every other model stays as it was.
    ...(options.sampling === undefined ? {} : { sampling: options.sampling }),
  };
}

async function isFile(filePath: string): Promise<boolean> {
  try {
    return (await stat(filePath)).isFile();
  } catch {
    return false;
  }
}
