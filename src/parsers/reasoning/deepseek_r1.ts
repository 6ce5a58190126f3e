// source: vllm-project/vllm vllm/reasoning/deepseek_r1_reasoning_parser.py and basic_parsers.py;
// chat template of deepseek-ai/DeepSeek-R1 (the generation prompt ends with `<think>\n`).
import { createThinkTagParser } from './create-think-tag-parser.js';

/** DeepSeek-R1: no opening tag needed, everything until `</think>` is reasoning. */
export const createDeepseekR1ReasoningParser = createThinkTagParser({
  open: '<think>',
  close: '</think>',
  opensInPrompt: true,
});
