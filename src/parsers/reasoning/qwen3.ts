// source: vllm-project/vllm vllm/reasoning/qwen3_reasoning_parser.py; chat templates of
// Qwen/Qwen3-8B (model writes `<think>`), Qwen3-*-Thinking-2507 and Qwen3.5 (template opens
// `<think>` in the prompt, only `</think>` is generated).
import { createThinkTagParser } from './create-think-tag-parser.js';

/**
 * Qwen3: like vLLM, everything before `</think>` is reasoning unless thinking was switched off
 * (`promptOpensReasoning: false`). Qwen3.5 may start a `<tool_call>` without closing the
 * block; vLLM takes `<tool_call>` followed by `<function=` as the end of reasoning, so do we.
 */
export const createQwen3ReasoningParser = createThinkTagParser({
  open: '<think>',
  close: '</think>',
  opensInPrompt: true,
  implicitEnds: ['<tool_call>\n<function=', '<tool_call><function=', '<tool_call>\n\n<function='],
});
