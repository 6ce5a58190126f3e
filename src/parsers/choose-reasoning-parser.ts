import { chooseParserByRules, type ParserRule } from './choose-parser-by-rules.js';

// `<think>` alone decides nothing: instruct templates (Qwen3-*-Instruct-2507) mention it too,
// to strip it from history, and an instruct model under a reasoning parser would have all its
// text as reasoning. What does decide: a switch for thinking (Qwen3's hybrid models), or a
// generation prompt that opens the block itself, so the model writes only `</think>`
// (DeepSeek-R1-0528, QwQ, Qwen3-*-Thinking-2507, for which Qwen recommends vLLM's deepseek_r1):
// `<think>` right after the assistant header, or output on its own, as Qwen3.5's template does
// (`{{- '<think>\n' }}` unless enable_thinking is false). Hybrid Qwen3 outputs it only closed.
const opensThinkInPrompt =
  /(?:assistant|Assistant｜>)(?:\\n|\n)?<think>|\{\{-?\s*(['"])<think>(?:\\n|\n)?\1\s*-?\}\}/;

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

// Templates of other families also hold `<think>` and an `enable_thinking` switch (Unsloth's
// DeepSeek-V3.1, llama.cpp's DeepSeek-V3.2), so Qwen3's rule asks for its `<|im_start|>` too.
const rules: readonly ParserRule[] = [
  { parser: 'openai_gptoss', template: ['<|channel|>'], model: /gpt-oss/ },
  { parser: 'minimax_m2', template: ['<minimax:tool_call>', '<think>'], model: /minimax-m2/ },
  { parser: 'glm45', template: ['<arg_key>', '<think>'], model: /glm-?4\.[5-7]/ },
  // V3.1, V3.2-Exp and V3.2 think only when `thinking` is set; the template closes the block in
  // the prompt otherwise. V3.2's own prompt encoding is Python, not Jinja: its name decides.
  { parser: 'deepseek_v3', template: ['<｜Assistant｜></think>'], model: /deepseek-v3[.-][12]/ },
  // Kimi-K2-Instruct writes no reasoning and its template has no `<think>`; K2 Thinking and
  // K2.5 (thinking unless `thinking` is false) do.
  {
    parser: 'kimi_k2',
    template: ['<|tool_calls_section_begin|>', '<think>'],
    model: /kimi-k2(?:-thinking|\.\d)/,
  },
  { parser: 'seed_oss', template: ['<seed:think>'], model: /seed-oss/ },
  { parser: 'mistral', template: ['[THINK]'], model: /magistral|ministral-3.*reasoning/ },
  // Qwen3's Instruct models (2507, Next, VL, Omni) do not think, and -Thinking ones have the
  // template open the block (deepseek_r1, below); the hybrid ones and Qwen3.5 get qwen3.
  {
    parser: 'qwen3',
    template: ['<|im_start|>', '<think>', 'enable_thinking'],
    model: /qwen3(?!.*(?:coder|instruct|thinking|captioner))/,
  },
  {
    parser: 'deepseek_r1',
    template: [opensThinkInPrompt],
    model: /deepseek-r1|qwq|qwen3.*-thinking/,
  },
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
