import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  getLlama,
  JinjaTemplateChatWrapper,
  LlamaText,
  readGgufFileInfo,
  type Llama,
  type LlamaContext,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chatTokens, findTinyTokenId } from './build-tiny-vocabulary.js';
import { qwenChatTemplate } from './qwen-chat-template.js';
import { tinyGgufPath, writeTinyGguf } from './write-tiny-gguf.js';

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
  test('node-llama-cpp reads the Qwen tool-call syntax from it', () => {
    const wrapper = new JinjaTemplateChatWrapper({ template: qwenChatTemplate });
    expect(LlamaText(wrapper.settings.functions.call.prefix).toString()).toBe(
      '<tool_call>\n{"name": "',
    );
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

interface TinyMetadata {
  general: { architecture: string };
  llama: { attention: object };
  tokenizer: { chat_template: string; ggml: { tokens: string[] } };
}
