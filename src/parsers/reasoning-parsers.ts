import { createDeepseekR1ReasoningParser } from './reasoning/deepseek_r1.js';
import { createGlm45ReasoningParser } from './reasoning/glm45.js';
import { createMinimaxM2ReasoningParser } from './reasoning/minimax_m2.js';
import { createOpenaiGptossReasoningParser } from './reasoning/openai_gptoss.js';
import { createQwen3ReasoningParser } from './reasoning/qwen3.js';
import type { TextParserFactory } from './text-parser.js';

/** Raw-text reasoning parsers by vLLM's `--reasoning-parser` name. */
export const reasoningParsers: ReadonlyMap<string, TextParserFactory> = new Map([
  ['deepseek_r1', createDeepseekR1ReasoningParser],
  ['qwen3', createQwen3ReasoningParser],
  ['glm45', createGlm45ReasoningParser],
  ['minimax_m2', createMinimaxM2ReasoningParser],
  ['openai_gptoss', createOpenaiGptossReasoningParser],
]);

/** The factory for a reasoning parser name; throws naming every valid one if there is none. */
export function getReasoningParser(name: string): TextParserFactory {
  const factory = reasoningParsers.get(name);
  if (factory === undefined) {
    const valid = [...reasoningParsers.keys()].join(', ');
    throw new Error(`Unknown reasoning parser "${name}". Valid names: ${valid}, auto, none.`);
  }
  return factory;
}
