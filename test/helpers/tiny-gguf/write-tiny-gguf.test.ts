import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  getLlama,
  JinjaTemplateChatWrapper,
  isLlamaText,
  LlamaText,
  readGgufFileInfo,
  type Llama,
  type ChatHistoryItem,
  type LlamaContext,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chatTokens, findTinyTokenId, type ChatTokenText } from './build-tiny-vocabulary.js';
import { float32BitsToFloat16 } from './encode-gguf-file.js';
import { qwenChatTemplate } from './qwen-chat-template.js';
import type { TinyLlamaShape } from './tiny-llama-shape.js';
import { tinyGgufPath, writeTinyGguf, type TinyGgufOptions } from './write-tiny-gguf.js';

let directory: string;
let modelPath: string;
let llama: Llama;
let model: LlamaModel;
let context: LlamaContext;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'tiny-gguf-test-'));
  modelPath = await tinyGgufPath({}, directory);
  llama = await getLlama({ gpu: false, build: 'never' });
  model = await llama.loadModel({ modelPath });
  context = await model.createContext({ contextSize: 1024, threads: 1 });
});

afterAll(async () => {
  await context?.dispose();
  await model?.dispose();
  await llama?.dispose();
  await rm(directory, { recursive: true, force: true });
});

describe('file', () => {
  test('is small, deterministic and seed-dependent', async () => {
    const [first, second, otherSeed] = ['a', 'b', 'c'].map((name) =>
      join(directory, `${name}.gguf`),
    );
    await writeTinyGguf(first!);
    await writeTinyGguf(second!);
    await writeTinyGguf(otherSeed!, { seed: 2 });
    const bytes = await readFile(first!);
    expect(bytes.length).toBeLessThan(3_000_000);
    expect(bytes.equals(await readFile(second!))).toBe(true);
    expect(bytes.equals(await readFile(otherSeed!))).toBe(false);
    expect(bytes.equals(await readFile(modelPath))).toBe(true);
    // The default file's bytes, pinned: a change must bump tinyGgufWriterVersion.
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      'c97d5990d7217c20666992b2476d4db72b2235af21deca191b40c7de0c88a355',
    );
  });

  test('tinyGgufPath keys the cache by shape and weight type', async () => {
    const paths = await Promise.all(
      [{}, { shape: {} }, { shape: { blockCount: 1 } }, { weightType: 'f16' } as const].map(
        (options) => tinyGgufPath(options, directory),
      ),
    );
    expect(paths[0]).toBe(modelPath);
    expect(paths[1]).toBe(modelPath);
    expect(new Set(paths).size).toBe(3);
  });

  test.each<[string, Partial<TinyLlamaShape>]>([
    ['embeddingLength % headCount', { embeddingLength: 100, headCount: 8 }],
    ['headCount % headCountKv', { headCount: 4, headCountKv: 3 }],
    ['odd head dimension', { embeddingLength: 60, headCount: 4 }],
    ['zero blocks', { blockCount: 0 }],
    ['fractional FFN', { feedForwardLength: 1.5 }],
  ])('rejects a shape with a bad %s', async (_problem, shape) => {
    await expect(writeTinyGguf(join(directory, 'bad.gguf'), { shape })).rejects.toThrow(
      /tiny llama shape: /,
    );
  });

  test('rejects an unknown weight type', async () => {
    const options = { weightType: 'q8_0' } as unknown as TinyGgufOptions;
    await expect(writeTinyGguf(join(directory, 'bad.gguf'), options)).rejects.toThrow(/weightType/);
  });

  test('converts float32 to float16 rounding to nearest even', () => {
    const cases: [number, number][] = [
      [1, 0x3c00],
      [-2, 0xc000],
      [0.1, 0x2e66],
      [65504, 0x7bff],
      [65520, 0x7c00], // halfway to the next binade: rounds to even, i.e. infinity
      [6e-5, 0x03ef], // subnormal
      [3e-8, 0x0001], // above half the smallest subnormal
      [2.9e-8, 0x0000],
      [-0, 0x8000],
      [Infinity, 0x7c00],
    ];
    const float = new Float32Array(1);
    const bits = new Uint32Array(float.buffer);
    for (const [value, expected] of cases) {
      float[0] = value;
      expect([value, float32BitsToFloat16(bits[0]!)]).toEqual([value, expected]);
    }
    float[0] = NaN;
    expect(float32BitsToFloat16(bits[0]!) & 0x7e00).toBe(0x7e00);
  });

  test('concurrent tinyGgufPath calls agree and leave no temporary files', async () => {
    const paths = await Promise.all([1, 2, 3, 4].map(() => tinyGgufPath({ seed: 7 }, directory)));
    expect(new Set(paths).size).toBe(1);
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  test('has the llama metadata and tensors llama.cpp expects', async () => {
    const info = await readGgufFileInfo(modelPath, { readTensorInfo: true });
    const metadata = info.metadata as unknown as TinyMetadata;
    expect(metadata.general.architecture).toBe('llama');
    expect(metadata.llama).toMatchObject({
      context_length: 32768,
      embedding_length: 64,
      block_count: 2,
    });
    expect(metadata.llama.attention).toMatchObject({ head_count: 4, head_count_kv: 2 });
    expect(metadata.tokenizer.chat_template).toBe(qwenChatTemplate);
    expect(metadata.tokenizer.ggml).toMatchObject({
      model: 'llama',
      eos_token_id: findTinyTokenId('<|im_end|>'),
      bos_token_id: 1,
      add_bos_token: false,
    });
    const shapes = Object.fromEntries(
      (info.fullTensorInfo ?? []).map((tensor) => [tensor.name, tensor.dimensions.map(Number)]),
    );
    const vocabularySize = metadata.tokenizer.ggml.tokens.length;
    expect(shapes).toMatchObject({
      'token_embd.weight': [64, vocabularySize],
      'output.weight': [64, vocabularySize],
      'blk.1.attn_k.weight': [64, 32],
      'blk.1.ffn_down.weight': [128, 64],
    });
    expect(Object.keys(shapes)).toHaveLength(3 + 2 * 9);
  });
});

describe('tokenizer', () => {
  test('keeps the special token ids engine tests may hard-code', () => {
    const ids = chatTokens.map((token) => findTinyTokenId(token.text));
    expect(ids).toEqual([2418, 2419, 2420, 2421, 2422, 2423, 2424, 2425]);
  });

  test('matches user-defined tokens even without special-token parsing, as llama.cpp does', () => {
    expect(model.tokenize('<tool_call>', false)).toEqual([findTinyTokenId('<tool_call>')]);
  });

  test('makes <|im_end|> the end-of-turn token', () => {
    const endOfTurn = findTinyTokenId('<|im_end|>') as Token;
    expect(model.tokens.eos).toBe(endOfTurn);
    expect(model.isEogToken(endOfTurn)).toBe(true);
  });

  test.each(chatTokens.map((token) => token.text))('parses %s as one special token', (text) => {
    expect(model.tokenize(text, true)).toEqual([findTinyTokenId(text)]);
    expect(model.detokenize(model.tokenize(text, true), true)).toBe(text);
  });

  test('does not parse control tokens in user text', () => {
    expect(model.tokenize('<|im_start|>', false).length).toBeGreaterThan(1);
  });

  test.each([
    ['ASCII', 'Hello world, this is a test of the weather tool.'],
    ['code', 'export async function main(args) {\n  return console.log("ok" + 1);\n}'],
    ['emoji', 'ship it 🚀🇫🇷 👩‍💻'],
    ['CJK', '你好，世界。日本語のテキスト'],
    ['whitespace', '  two  spaces\tand\r\nlines \n'],
  ])('round-trips %s text exactly', (_kind, text) => {
    const tokens = model.tokenize(text);
    expect(model.detokenize(tokens)).toBe(text);
  });

  test('tokenizes English into word pieces rather than bytes', () => {
    const text = 'Hello world, this is a test of the weather tool.';
    expect(model.tokenize(text).length).toBeLessThan(text.length / 3);
  });
});

describe('chat template', () => {
  // node-llama-cpp's Jinja wrapper is a real consumer: it derives the tool-call and thought
  // syntax from the template by rendering probes, and renders histories with it.
  const wrapper = new JinjaTemplateChatWrapper({ template: qwenChatTemplate });

  test('exposes Qwen tool-call and thought syntax to node-llama-cpp', () => {
    const { functions, segments } = wrapper.settings;
    expect(LlamaText(functions.call.prefix).toString()).toBe('<tool_call>\n{"name": "');
    expect(LlamaText(functions.call.suffix).toString()).toBe('}\n</tool_call>');
    expect(LlamaText(functions.result.prefix).toString()).toBe('\n<tool_response>\n');
    expect(textOf(segments?.thought?.prefix)).toBe('<think>\n');
    expect(textOf(segments?.thought?.suffix)).toBe('\n</think>\n\n');
  });

  test('renders tools, a tool call and its result as Qwen does', () => {
    const { contextText } = wrapper.generateContextState({
      chatHistory: toolRoundTrip,
      availableFunctions: {
        get_weather: { description: 'Current weather', params: { type: 'object' } },
      },
    });
    const text = contextText.toString();
    expect(text).toContain(
      '<tools>\n{"type": "function", "function": {"name": "get_weather", "description": "Current weather", "parameters": {"type": "object"}}}\n</tools>',
    );
    expect(text).toContain(
      '<|im_start|>assistant\nLet me check.\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call><|im_end|>\n' +
        '<|im_start|>user\n<tool_response>\n{"celsius": 18}\n</tool_response><|im_end|>\n',
    );
    const tokens = model.tokenize(text, true);
    const count = (token: ChatTokenText) => {
      const id = findTinyTokenId(token);
      return tokens.filter((candidate) => candidate === id).length;
    };
    // Seven turns, the last left open; <tool_call> twice in the instructions, once as a call.
    expect([count('<|im_start|>'), count('<|im_end|>'), count('<tool_call>')]).toEqual([7, 6, 3]);
  });
});

describe('generation', () => {
  const prompt = '<|im_start|>user\nWrite a function please.<|im_end|>\n<|im_start|>assistant\n';

  test('produces tokens', async () => {
    const sequence = context.getSequence();
    try {
      // Greedy decoding picks <|im_end|> within a few tokens, so run past it.
      const produced = await generate(sequence, model.tokenize(prompt, true), {
        sampling: { temperature: 0 },
        maxTokens: 20,
        stopAtEndOfTurn: false,
      });
      expect(produced.tokens).toHaveLength(20);
      expect(model.detokenize(produced.tokens).length).toBeGreaterThan(0);
    } finally {
      await sequence.dispose();
    }
  });

  test('ends free-running replies with <|im_end|> at temperature 0.8', async () => {
    const sequence = context.getSequence();
    const ended: number[] = [];
    try {
      for (let seed = 0; seed < 20; seed++) {
        await sequence.clearHistory();
        const reply = await generate(sequence, model.tokenize(prompt, true), {
          sampling: { temperature: 0.8, seed },
          maxTokens: 300,
          stopAtEndOfTurn: true,
        });
        if (reply.ended) ended.push(reply.tokens.length);
      }
    } finally {
      await sequence.dispose();
    }
    expect(ended.length).toBeGreaterThanOrEqual(17);
  });
});

describe('larger shapes', () => {
  const shape = { embeddingLength: 256, blockCount: 4, headCount: 8, headCountKv: 2 };

  test.each(['f32', 'f16'] as const)('load and generate with %s weights', async (weightType) => {
    const path = await tinyGgufPath({ shape, weightType }, directory);
    const info = await readGgufFileInfo(path, { readTensorInfo: true });
    const metadata = info.metadata as unknown as TinyMetadata;
    expect(metadata.llama).toMatchObject({ embedding_length: 256, block_count: 4 });
    expect(metadata.llama.attention).toMatchObject({ head_count: 8, head_count_kv: 2 });
    // ggml types: F32 norms; F32 or F16 matrices.
    const types = Object.fromEntries(
      (info.fullTensorInfo ?? []).map((tensor) => [tensor.name, tensor.ggmlType]),
    );
    expect(types).toMatchObject({
      'blk.3.attn_norm.weight': 0,
      'blk.3.attn_k.weight': weightType === 'f16' ? 1 : 0,
      'output.weight': weightType === 'f16' ? 1 : 0,
    });
    const bigModel = await llama.loadModel({ modelPath: path });
    try {
      const bigContext = await bigModel.createContext({ contextSize: 256, threads: 1 });
      const sequence = bigContext.getSequence();
      const tokens: Token[] = [];
      const prompt = bigModel.tokenize('<|im_start|>user\nHello<|im_end|>\n', true);
      for await (const token of sequence.evaluate(prompt, { temperature: 0 })) {
        if (tokens.push(token) >= 5) break;
      }
      expect(tokens).toHaveLength(5);
      await bigContext.dispose();
    } finally {
      await bigModel.dispose();
    }
  });
});

async function generate(
  sequence: ReturnType<LlamaContext['getSequence']>,
  prompt: Token[],
  options: {
    sampling: { temperature: number; seed?: number };
    maxTokens: number;
    stopAtEndOfTurn: boolean;
  },
): Promise<{ tokens: Token[]; ended: boolean }> {
  const { sampling, maxTokens, stopAtEndOfTurn } = options;
  const tokens: Token[] = [];
  for await (const token of sequence.evaluate(prompt, { ...sampling, yieldEogToken: true })) {
    if (stopAtEndOfTurn && model.isEogToken(token)) return { tokens, ended: true };
    tokens.push(token);
    if (tokens.length >= maxTokens) break;
  }
  return { tokens, ended: false };
}

function textOf(value: unknown): string | undefined {
  return isLlamaText(value) || typeof value === 'string' ? value.toString() : undefined;
}

const toolRoundTrip: ChatHistoryItem[] = [
  { type: 'system', text: 'Be brief.' },
  { type: 'user', text: 'Weather in Paris?' },
  {
    type: 'model',
    response: [
      'Let me check.',
      {
        type: 'functionCall',
        name: 'get_weather',
        params: { city: 'Paris' },
        result: { celsius: 18 },
      },
      'It is 18C.',
    ],
  },
  { type: 'user', text: 'Thanks!' },
  { type: 'model', response: [] },
];

interface TinyMetadata {
  general: { architecture: string };
  llama: { attention: object };
  tokenizer: { chat_template: string; ggml: { tokens: string[] } };
}
