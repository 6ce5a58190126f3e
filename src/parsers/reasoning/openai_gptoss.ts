// source: vllm-project/vllm vllm/reasoning/gptoss_reasoning_parser.py (registered as
// `openai_gptoss`); harmony format of openai/gpt-oss-20b and gpt-oss-120b (see ../harmony-parser.ts).
import { createHarmonyParser } from '../harmony-parser.js';
import type { TextParser, TextParserOptions } from '../text-parser.js';

/**
 * gpt-oss: analysis channels are reasoning, final and preamble messages text. Function-call
 * messages pass on verbatim for the `openai` tool-call parser, which reads them.
 */
export function createOpenaiGptossReasoningParser(options: TextParserOptions): TextParser {
  return createHarmonyParser('reasoning', options);
}
