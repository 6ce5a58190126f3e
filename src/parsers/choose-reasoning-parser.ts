import { chooseParserByRules, type ParserRule } from './choose-parser-by-rules.js';

// Qwen3 is chosen by name only: Qwen3 instruct templates mention `<think>` too (to strip it
// from history), and an instruct model under the qwen3 parser would have all text as reasoning.
const rules: readonly ParserRule[] = [
  { parser: 'openai_gptoss', template: ['<|channel|>'], model: /gpt-oss/ },
  { parser: 'minimax_m2', template: ['<minimax:tool_call>', '<think>'], model: /minimax-m2/ },
  { parser: 'glm45', template: ['<arg_key>', '<think>'], model: /glm-?4\.[5-7]/ },
  { parser: 'deepseek_r1', model: /deepseek-r1|qwq/ },
  { parser: 'qwen3', model: /qwen3(?!.*(?:coder|instruct-2507))/ },
];

/**
 * The `--reasoning-parser auto` choice for a served model: a vLLM reasoning parser name when
 * the template or the model's name make it unambiguous, else undefined (no reasoning parsing).
 */
export function chooseReasoningParser(
  servedModelName: string,
  chatTemplate?: string,
): string | undefined {
  return chooseParserByRules(rules, servedModelName, chatTemplate);
}
