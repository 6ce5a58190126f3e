import { chooseParserByRules, type ParserRule } from './choose-parser-by-rules.js';

// `<think>` alone decides nothing: instruct templates (Qwen3-*-Instruct-2507) mention it too,
// to strip it from history, and an instruct model under a reasoning parser would have all its
// text as reasoning. What does decide: a switch for thinking (Qwen3's hybrid models), or a
// generation prompt that opens the block itself, so the model writes only `</think>`
// (DeepSeek-R1-0528, QwQ, Qwen3-*-Thinking-2507, for which Qwen recommends vLLM's deepseek_r1).
const opensThinkInPrompt = /(?:assistant|Assistant｜>)(?:\\n|\n)?<think>/;

/**
 * For the `<think>` families (qwen3, deepseek_r1), whether a known chat template opens the block
 * in the generation prompt; undefined where that is the parser's own assumption to make (no
 * template, other formats). A hybrid Qwen3 template does not: the model writes `<think>` itself
 * when it thinks, and a reply without it is plain text.
 */
export function templateOpensReasoning(
  parser: string,
  chatTemplate: string | undefined,
): boolean | undefined {
  if (chatTemplate === undefined || (parser !== 'qwen3' && parser !== 'deepseek_r1')) return;
  return opensThinkInPrompt.test(chatTemplate);
}
const rules: readonly ParserRule[] = [
  { parser: 'openai_gptoss', template: ['<|channel|>'], model: /gpt-oss/ },
  { parser: 'minimax_m2', template: ['<minimax:tool_call>', '<think>'], model: /minimax-m2/ },
  { parser: 'glm45', template: ['<arg_key>', '<think>'], model: /glm-?4\.[5-7]/ },
  {
    parser: 'qwen3',
    template: ['<think>', 'enable_thinking'],
    model: /qwen3(?!.*(?:coder|instruct-2507))/,
  },
  { parser: 'deepseek_r1', template: [opensThinkInPrompt], model: /deepseek-r1|qwq/ },
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
