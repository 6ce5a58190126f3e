// source: vllm-project/vllm vllm/reasoning/minimax_m2_reasoning_parser.py (MiniMaxM2ReasoningParser);
// chat template of MiniMaxAI/MiniMax-M2 (the generation prompt ends with `<think>\n`, the model
// writes only `</think>`; a repeated `<think>` at the start is dropped).
import { createThinkTagParser } from './create-think-tag-parser.js';

/** MiniMax-M2: everything before `</think>` is reasoning. */
export const createMinimaxM2ReasoningParser = createThinkTagParser({
  open: '<think>',
  close: '</think>',
  opensInPrompt: true,
});
