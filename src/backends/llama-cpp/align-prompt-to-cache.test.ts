import type { Token } from 'node-llama-cpp';
import { describe, expect, test } from 'vitest';
import { alignPromptToCache, type TokenText } from './align-prompt-to-cache.js';

// A vocabulary of byte pieces (latin1 strings), one special token and the halves of a two-byte
// character (as byte-level tokenizers split them): enough to spell one text in several ways.
const pieces = [
  '<|im_start|>', // 0, special
  'assistant', // 1
  '\n', // 2
  '{"', // 3
  'name', // 4
  '":', // 5
  ' ', // 6
  '"', // 7
  ' "', // 8
  'Bash', // 9
  'Ba', // 10
  'sh', // 11
  '"}', // 12
  '}', // 13
  '\xC3', // 14: first byte of é
  '\xA9', // 15: second byte of é
  '\xC3\xA9', // 16: é whole
  'x', // 17
  '<|im_start|>', // 18: the special token's text, as plain text
];
const special = new Set([0]);

/** Decodes as a byte-level tokenizer does: bytes joined, then read as UTF-8. */
const model: TokenText = {
  detokenize: (tokens: readonly Token[], specialTokens = false) =>
    Buffer.from(
      tokens
        .filter((token) => specialTokens || !special.has(token))
        .map((token) => pieces[token]!)
        .join(''),
      'latin1',
    ).toString('utf8'),
  isSpecialToken: (token: Token | undefined) => token !== undefined && special.has(token),
};
const t = (...ids: number[]): Token[] => ids as Token[];

describe('alignPromptToCache', () => {
  test.each<[name: string, cached: Token[], prompt: Token[], expected: Token[]]>([
    ['an empty cache changes nothing', t(), t(0, 1, 2), t(0, 1, 2)],
    ['a prompt the cache begins: unchanged', t(0, 1, 2), t(0, 1, 2, 9), t(0, 1, 2, 9)],
    [
      // '{"name": "Bash' written in pieces by the engine, in one piece by the template
      'the same text in other tokens takes the cache’s tokens',
      t(0, 1, 2, 3, 4, 5, 6, 7, 10, 11),
      t(0, 1, 2, 3, 4, 5, 8, 9, 12, 13),
      t(0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13),
    ],
    ['only as far as the texts agree', t(0, 3, 10, 11, 17), t(0, 3, 9, 12), t(0, 3, 10, 11, 12)],
    ['texts that differ at once: unchanged', t(0, 9), t(0, 17, 9), t(0, 17, 9)],
    [
      'a character split over two tokens matches it whole',
      t(1, 14, 15, 17),
      t(1, 16, 17, 2),
      t(1, 14, 15, 17, 2),
    ],
    ['half a character never matches', t(1, 14, 17), t(1, 16, 17), t(1, 16, 17)],
    [
      'a special token is never traded for its text, nor its text for it',
      t(1, 0, 2),
      t(1, 18, 2),
      t(1, 18, 2),
    ],
    [
      'stretches on both sides of a token both sides share',
      t(10, 11, 2, 10, 11),
      t(9, 2, 9, 12),
      t(10, 11, 2, 10, 11, 12),
    ],
  ])('%s', (_name, cached, prompt, expected) => {
    const aligned = alignPromptToCache(model, cached, prompt);
    expect(aligned).toEqual(expected);
    expect(model.detokenize(aligned, true)).toBe(model.detokenize(prompt, true));
  });

  test('a long reply spelled otherwise throughout is taken whole', () => {
    const cached = t(1, ...Array.from({ length: 2000 }, () => [10, 11]).flat());
    const prompt = t(1, ...Array.from({ length: 2000 }, () => 9), 2);
    expect(alignPromptToCache(model, cached, prompt)).toEqual([...cached, 2]);
  });

  test('the prompt itself comes back when nothing is traded', () => {
    const prompt = t(0, 1, 2);
    expect(alignPromptToCache(model, t(0, 17), prompt)).toBe(prompt);
  });
});
