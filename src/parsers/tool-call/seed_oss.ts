// source: vllm-project/vllm vllm/tool_parsers/seed_oss_tool_parser.py; chat template of
// ByteDance-Seed/Seed-OSS-36B-Instruct (`<seed:tool_call>\n<function=NAME>\n<parameter=KEY>VALUE</parameter>\n</function>\n</seed:tool_call>`).
import { createSectionParser } from './create-section-parser.js';
import { parseFunctionTags } from './parse-function-tags.js';

/**
 * Seed-OSS: Qwen3-Coder's function and parameter tags inside `<seed:tool_call>`; values typed by
 * schema. Its template renders non-string arguments with `| string`, so objects and arrays it
 * was shown are Python reprs, read as such.
 */
export const createSeedOssParser = createSectionParser({
  name: 'seed_oss',
  sections: [{ open: '<seed:tool_call>', close: '</seed:tool_call>' }],
  parseSection: parseFunctionTags,
});
