// source: vllm-project/vllm vllm/tool_parsers/qwen3coder_tool_parser.py; chat template of
// Qwen/Qwen3-Coder-30B-A3B-Instruct (`<tool_call>\n<function=NAME>\n<parameter=KEY>\nVALUE\n</parameter>\n</function>\n</tool_call>`).
import type { ToolSchemas } from '../../model/model-request.js';
import { createSectionParser } from './create-section-parser.js';
import { parseFunctionTags } from './parse-function-tags.js';

/**
 * Qwen3-Coder (and Qwen3.5): XML-ish function and parameter tags, values typed by schema; one
 * `<tool_call>` may hold several functions.
 * Qwen3-Coder sometimes leaves out the opening `<tool_call>` (often after a sentence of
 * preamble) yet writes the closing one; vLLM keys on `<function=` too, and so do we, but only
 * for a tool the request declared, and the orphan `</tool_call>` after the call is dropped.
 */
export const createQwen3CoderParser = createSectionParser({
  name: 'qwen3_coder',
  sections: [
    { open: '<tool_call>', close: '</tool_call>' },
    {
      open: '<function=',
      close: '</function>',
      keepDelimiters: true,
      plausible: namesDeclaredTool,
    },
  ],
  parseSection: parseFunctionTags,
  strayAfterCall: ['</tool_call>'],
});

/** A bare `<function=NAME>` is taken for a call only while NAME can be a declared tool's. */
function namesDeclaredTool(head: string, schemas: ToolSchemas): boolean {
  const end = head.indexOf('>');
  const name = end === -1 ? head : head.slice(0, end);
  if (!/^[\w.-]*$/.test(name)) return false;
  return end === -1 ? [...schemas.keys()].some((tool) => tool.startsWith(name)) : schemas.has(name);
}
