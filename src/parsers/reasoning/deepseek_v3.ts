// source: vllm-project/vllm vllm/reasoning/deepseek_v3_reasoning_parser.py (deepseek_r1's reading
// when chat_template_kwargs sets `thinking` or `enable_thinking`, else the text untouched); chat
// templates of deepseek-ai/DeepSeek-V3.1 and V3.2-Exp (the generation prompt ends with `<think>`
// when `thinking` is set, else with `</think>`, so the model writes `Reasoning…</think>Answer`
// or just `Answer`).
import type { TextParser, TextParserOptions } from '../text-parser.js';
import { createDeepseekR1ReasoningParser } from './deepseek_r1.js';

/**
 * DeepSeek-V3.1/V3.2: reasoning only when the request switched thinking on (Ferry sends
 * `thinking: true` exactly when a request enables thinking). Otherwise, adaptive thinking
 * included, the template closed the block in the prompt and the text passes untouched.
 */
export function createDeepseekV3ReasoningParser(options: TextParserOptions): TextParser {
  return options.thinkingRequested === true
    ? createDeepseekR1ReasoningParser(options)
    : createTextPassingParser();
}

function createTextPassingParser(): TextParser {
  return {
    push: (text) => (text === '' ? [] : [{ type: 'text-delta', text }]),
    finish: () => [],
  };
}
