import { chooseParserByRules, type ParserRule } from './choose-parser-by-rules.js';

// Order matters: more specific markers first (GLM and Qwen3-Coder templates also contain
// `<tool_call>`; DeepSeek-V3 is told from V3.1 by its ```json fence).
const rules: readonly ParserRule[] = [
  { parser: 'openai', template: ['<|channel|>'], model: /gpt-oss/ },
  { parser: 'minimax_m2', template: ['<minimax:tool_call>'], model: /minimax-m2/ },
  { parser: 'kimi_k2', template: ['<|tool_calls_section_begin|>'], model: /kimi-k2/ },
  {
    parser: 'deepseek_v3',
    template: ['<｜tool▁calls▁begin｜>', '```json'],
    model: /deepseek-(?:v3(?![.-]\d)|v3-0324|r1)/,
  },
  // V3.2-Exp keeps V3.1's format; V3.2 writes DSML (vLLM's deepseek_v32), which Ferry lacks.
  {
    parser: 'deepseek_v31',
    template: ['<｜tool▁calls▁begin｜>'],
    model: /deepseek-v3(?:[.-]1|\.2-exp)/,
  },
  { parser: 'glm45', template: ['<arg_key>'], model: /glm-?4\.[5-7]/ },
  { parser: 'seed_oss', template: ['<seed:tool_call>'], model: /seed-oss/ },
  { parser: 'qwen3_coder', template: ['<tool_call>', '<function='], model: /qwen3-coder|qwen3\.5/ },
  { parser: 'hermes', template: ['<tool_call>'], model: /qwen3|qwen2\.5|qwq|hermes/ },
  {
    parser: 'mistral',
    template: ['[TOOL_CALLS]'],
    model: /mistral|mixtral|ministral|devstral|magistral/,
  },
  { parser: 'pythonic', template: ['<|python_start|>'], model: /llama-?4/ },
  { parser: 'llama3_json', template: ['<|python_tag|>'], model: /llama-?3/ },
];

/**
 * The `--tool-call-parser auto` choice for a served model: a vLLM parser name when the chat
 * template's markers or the model's name make the format unambiguous, else undefined.
 */
export function chooseToolCallParser(
  servedModelName: string,
  chatTemplate?: string,
): string | undefined {
  return chooseParserByRules(rules, servedModelName, chatTemplate);
}
