import type { LlamaModel, Token } from 'node-llama-cpp';
import type { PromptSegment } from './render-chat-prompt.js';

/**
 * The prompt's tokens: template text with special tokens recognised, client content as plain
 * text (a `<|im_end|>` typed by a user or read from a file stays text). Each piece is tokenized
 * on its own, so a message's tokens do not depend on what follows it and the next turn's prompt
 * starts with exactly this turn's tokens (prefix reuse).
 */
export function tokenizePrompt(model: LlamaModel, segments: readonly PromptSegment[]): Token[] {
  const tokens: Token[] = [];
  for (const segment of segments) {
    for (const token of model.tokenize(segment.text, segment.fromTemplate, 'trimLeadingSpace'))
      tokens.push(token);
  }
  const bos = model.tokens.bos;
  if (bos !== null && model.tokens.shouldPrependBosToken && tokens[0] !== bos) tokens.unshift(bos);
  return tokens;
}
