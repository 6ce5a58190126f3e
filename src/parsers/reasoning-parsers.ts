import { createDeepseekR1ReasoningParser } from './reasoning/deepseek_r1.js';
import { createDeepseekV3ReasoningParser } from './reasoning/deepseek_v3.js';
import { createGlm45ReasoningParser } from './reasoning/glm45.js';
import { createKimiK2ReasoningParser } from './reasoning/kimi_k2.js';
import { createMinimaxM2ReasoningParser } from './reasoning/minimax_m2.js';
import { createMistralReasoningParser } from './reasoning/mistral.js';
import { createOpenaiGptossReasoningParser } from './reasoning/openai_gptoss.js';
import { createQwen3ReasoningParser } from './reasoning/qwen3.js';
import { createSeedOssReasoningParser } from './reasoning/seed_oss.js';
import type { TextParserFactory } from './text-parser.js';

/** Raw-text reasoning parsers by vLLM's `--reasoning-parser` name. */
export const reasoningParsers: ReadonlyMap<string, TextParserFactory> = new Map([
  ['deepseek_r1', createDeepseekR1ReasoningParser],
  ['deepseek_v3', createDeepseekV3ReasoningParser],
  ['qwen3', createQwen3ReasoningParser],
  ['glm45', createGlm45ReasoningParser],
  ['kimi_k2', createKimiK2ReasoningParser],
  ['minimax_m2', createMinimaxM2ReasoningParser],
  ['mistral', createMistralReasoningParser],
  ['seed_oss', createSeedOssReasoningParser],
  ['openai_gptoss', createOpenaiGptossReasoningParser],
  // vLLM's other names (vllm/reasoning/__init__.py): glm47 and mimo are registered with the
  // glm45 and qwen3 classes. minimax_m2_append_think keeps the reasoning in the reply's text
  // behind a `<think>` it adds; Ferry returns it as thinking blocks, as minimax_m2 does.
  ['glm47', createGlm45ReasoningParser],
  ['mimo', createQwen3ReasoningParser],
  ['minimax_m2_append_think', createMinimaxM2ReasoningParser],
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
