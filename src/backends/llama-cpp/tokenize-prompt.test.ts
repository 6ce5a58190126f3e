import type { Token } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import type { PromptSegment } from './render-chat-prompt.js';
import { PromptTokenCache, tokenizePrompt, type Tokenizer } from './tokenize-prompt.js';

/** One token per character; special-token reading marks a piece with a leading 0. */
function fakeModel(): Tokenizer & { calls: string[] } {
  const calls: string[] = [];
  const tokenize = (text: string, special?: boolean): Token[] => {
    calls.push(text);
    const codes = [...text].map((char) => char.charCodeAt(0));
    return (special === true ? [0, ...codes] : codes) as Token[];
  };
  return {
    calls,
    tokenize: tokenize as Tokenizer['tokenize'],
    tokens: { bos: null, shouldPrependBosToken: false } as unknown as Tokenizer['tokens'],
  };
}

const long = (char: string): string => char.repeat(300);
const template = (text: string): PromptSegment => ({ text, fromTemplate: true });
const content = (text: string): PromptSegment => ({ text, fromTemplate: false });

describe('tokenizePrompt with a PromptTokenCache', () => {
  it('tokenizes a long piece once, then reuses its exact tokens', () => {
    const model = fakeModel();
    const cache = new PromptTokenCache();
    const turn1 = [template(long('s')), content(long('a')), template('<end>')];
    const turn2 = [...turn1, content(long('b'))];
    const first = tokenizePrompt(model, turn1, cache);
    const second = tokenizePrompt(model, turn2, cache);
    expect(second.slice(0, first.length)).toEqual(first);
    expect(second).toEqual(tokenizePrompt(fakeModel(), turn2));
    // Turn 2 tokenized only its new long piece and the short one (never cached).
    expect(model.calls.slice(3)).toEqual(['<end>', long('b')]);
  });

  it('keeps template and content tokenizations of the same text apart', () => {
    const model = fakeModel();
    const cache = new PromptTokenCache();
    const asTemplate = tokenizePrompt(model, [template(long('x'))], cache);
    const asContent = tokenizePrompt(model, [content(long('x'))], cache);
    expect(asTemplate[0]).toBe(0);
    expect(asContent[0]).toBe('x'.charCodeAt(0));
    expect(tokenizePrompt(model, [template(long('x'))], cache)).toEqual(asTemplate);
    expect(model.calls).toHaveLength(2);
  });

  it('drops the least recently used pieces past its size', () => {
    const model = fakeModel();
    const cache = new PromptTokenCache(700);
    tokenizePrompt(model, [content(long('a'))], cache);
    tokenizePrompt(model, [content(long('b'))], cache);
    tokenizePrompt(model, [content(long('a'))], cache); // a is now the most recent
    tokenizePrompt(model, [content(long('c'))], cache); // 900 chars: b goes
    model.calls.length = 0;
    tokenizePrompt(model, [content(long('a')), content(long('c'))], cache);
    expect(model.calls).toEqual([]);
    tokenizePrompt(model, [content(long('b'))], cache);
    expect(model.calls).toEqual([long('b')]);
  });

  it('finds a piece again whatever its characters (lone surrogates included)', () => {
    const model = fakeModel();
    const cache = new PromptTokenCache();
    const odd = `${long('q')}\ud800`;
    tokenizePrompt(model, [content(odd)], cache);
    tokenizePrompt(model, [content(odd)], cache);
    expect(model.calls).toEqual([odd]);
  });
});

describe('PromptTokenCache.remember', () => {
  it('gives a remembered reply its own tokens as content, short or long', () => {
    const model = fakeModel();
    const cache = new PromptTokenCache();
    cache.remember('hi', [7, 8, 9]);
    cache.remember(long('r'), [1, 2]);
    model.calls.length = 0;
    expect(tokenizePrompt(model, [content('hi'), content(long('r'))], cache)).toEqual([
      7, 8, 9, 1, 2,
    ]);
    expect(model.calls).toEqual([]);
  });

  it('leaves template text with the same characters to the tokenizer', () => {
    const model = fakeModel();
    const cache = new PromptTokenCache();
    cache.remember('hi', [7]);
    cache.remember(long('r'), [1]);
    expect(tokenizePrompt(model, [template('hi')], cache)).toEqual([0, 104, 105]);
    expect(tokenizePrompt(model, [template(long('r'))], cache)[0]).toBe(0);
  });

  it('replaces a tokenized piece’s content tokens with the reply’s', () => {
    const model = fakeModel();
    const cache = new PromptTokenCache();
    tokenizePrompt(model, [content(long('a'))], cache);
    cache.remember(long('a'), [5]);
    expect(tokenizePrompt(model, [content(long('a'))], cache)).toEqual([5]);
  });

  it('forgets replies past its size like any piece, and short pieces are then tokenized', () => {
    const model = fakeModel();
    const cache = new PromptTokenCache(700);
    cache.remember('hi', [7]);
    tokenizePrompt(model, [content(long('a'))], cache);
    tokenizePrompt(model, [content(long('b'))], cache);
    tokenizePrompt(model, [content(long('c'))], cache); // over 700 chars: 'hi' goes first
    expect(tokenizePrompt(model, [content('hi')], cache)).toEqual([104, 105]);
  });

  it('ignores an empty reply', () => {
    const model = fakeModel();
    const cache = new PromptTokenCache();
    cache.remember('', [1]);
    expect(tokenizePrompt(model, [content('')], cache)).toEqual([]);
  });
});
