import type { LlamaModel, Token } from 'node-llama-cpp';
import { IncrementalDetokenizer } from './incremental-detokenizer.js';

/** What alignPromptToCache needs of a model (a LlamaModel). */
export type TokenText = Pick<LlamaModel, 'detokenize' | 'isSpecialToken'>;

/** Tokens walked at most per stretch: bounds the work when the texts never part. */
const maxStretch = 8192;

/**
 * The prompt, with each stretch that spells the same text as the sequence's cache in other
 * tokens replaced by the cache's tokens. The engine writes a reply token by token (a tool call
 * in pieces: its opener, the sampled name, the sampled arguments), while the next turn's
 * template renders the same text back in one piece, which the tokenizer spells its own way.
 * Without this, the cache would be reused only up to the first such difference and the rest of
 * the reply evaluated again. Only plain text is matched (a special token on either side ends a
 * stretch), and a stretch counts only where both spellings decode to the same text without
 * replacement characters, so the model reads exactly the text the prompt holds.
 */
export function alignPromptToCache(
  model: TokenText,
  cached: readonly Token[],
  prompt: readonly Token[],
): readonly Token[] {
  let aligned = prompt;
  let at = commonFrom(cached, aligned, 0);
  while (at < cached.length && at < aligned.length) {
    const span = sameTextSpan(model, cached, aligned, at);
    if (span === undefined) break;
    aligned = [
      ...aligned.slice(0, at),
      ...cached.slice(at, at + span.cached),
      ...aligned.slice(at + span.prompt),
    ];
    at = commonFrom(cached, aligned, at + span.cached);
  }
  return aligned;
}

/** The first index from `start` where the two token lists differ (or one ends). */
function commonFrom(a: readonly Token[], b: readonly Token[], start: number): number {
  let index = start;
  while (index < a.length && index < b.length && a[index] === b[index]) index++;
  return index;
}

/**
 * From `at`, the longest pair of token runs, one from each side, that spell the same text:
 * both texts are grown a token at a time, the shorter first, until they part.
 */
function sameTextSpan(
  model: TokenText,
  cached: readonly Token[],
  prompt: readonly Token[],
  at: number,
): { cached: number; prompt: number } | undefined {
  const before = cached.slice(Math.max(0, at - 8), at); // the same on both sides
  const side = (tokens: readonly Token[]) => ({
    tokens,
    next: at,
    text: '',
    detokenizer: new IncrementalDetokenizer(model, before),
  });
  const cache = side(cached);
  const rendered = side(prompt);
  let checked = 0; // characters known to agree
  // Token boundaries where both texts end alike, checked from the last once the texts part
  // (the last few only: checking each as it comes would decode a long stretch over and over).
  const even: Array<{ cached: number; prompt: number }> = [];
  while (cache.next - at < maxStretch && rendered.next - at < maxStretch) {
    const side = cache.text.length <= rendered.text.length ? cache : rendered;
    const token = side.tokens[side.next];
    if (token === undefined || model.isSpecialToken(token)) break;
    side.text += side.detokenizer.push(token); // whole characters only
    side.next++;
    const shorter = Math.min(cache.text.length, rendered.text.length);
    while (checked < shorter && cache.text[checked] === rendered.text[checked]) checked++;
    if (checked < shorter) break; // the texts part here
    if (cache.text.length === rendered.text.length && cache.next > at && rendered.next > at)
      even.push({ cached: cache.next - at, prompt: rendered.next - at });
  }
  for (let k = even.length - 1; k >= Math.max(0, even.length - 4); k--) {
    const span = even[k]!;
    const a = cache.tokens.slice(at, at + span.cached);
    if (spellSameText(model, a, rendered.tokens.slice(at, at + span.prompt), before)) return span;
  }
  return undefined;
}

/**
 * Decoded together (characters split across tokens join up), after the same preceding tokens
 * (which decide, for one, whether a leading space shows), with nothing undecodable.
 */
function spellSameText(
  model: TokenText,
  a: readonly Token[],
  b: readonly Token[],
  before: readonly Token[],
): boolean {
  const text = model.detokenize(a, false, before);
  return !text.includes('\uFFFD') && text === model.detokenize(b, false, before);
}
