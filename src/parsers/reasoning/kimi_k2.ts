// source: vllm-project/vllm vllm/reasoning/kimi_k2_reasoning_parser.py and
// tests/reasoning/test_kimi_k2_reasoning_parser.py; chat templates of moonshotai/Kimi-K2-Thinking
// (the model writes `<think>…</think>`) and Kimi-K2.5 (the generation prompt ends with `<think>`,
// or `<think></think>` when `thinking` is false).
import { createThinkTagParser } from './create-think-tag-parser.js';

/**
 * Kimi K2 Thinking / K2.5: everything before `</think>` is reasoning, with or without the
 * opening tag; a tool-call section ends it too and stays text for the kimi_k2 tool-call parser.
 * vLLM ends it on the plural section token only; the singular one, which that tool-call parser
 * also reads, ends it here as well, so a call written that way is not lost inside reasoning.
 */
export const createKimiK2ReasoningParser = createThinkTagParser({
  open: '<think>',
  close: '</think>',
  opensInPrompt: true,
  implicitEnds: ['<|tool_calls_section_begin|>', '<|tool_call_section_begin|>'],
});
