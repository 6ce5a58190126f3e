// source: vllm-project/vllm vllm/tool_parsers/qwen3coder_tool_parser.py; chat template of
// Qwen/Qwen3-Coder-30B-A3B-Instruct (`<tool_call>\n<function=NAME>\n<parameter=KEY>\nVALUE\n</parameter>\n</function>\n</tool_call>`).
import type { ToolSchemas } from '../../model/model-request.js';
import { coerceParameterValue, findPropertySchema } from './coerce-parameter-value.js';
import { createSectionParser } from './create-section-parser.js';
import { malformed, parsedCalls, type SectionParse } from './section-parse.js';
import { stripFramingNewlines, TextCursor } from './text-cursor.js';

/**
 * Qwen3-Coder (and Qwen3.5): XML-ish function and parameter tags, values typed by schema.
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
  parseSection: parseFunctionSection,
  strayAfterCall: ['</tool_call>'],
});

/** A bare `<function=NAME>` is taken for a call only while NAME can be a declared tool's. */
function namesDeclaredTool(head: string, schemas: ToolSchemas): boolean {
  const end = head.indexOf('>');
  const name = end === -1 ? head : head.slice(0, end);
  if (!/^[\w.-]*$/.test(name)) return false;
  return end === -1 ? [...schemas.keys()].some((tool) => tool.startsWith(name)) : schemas.has(name);
}

function parseFunctionSection(body: string, schemas: ToolSchemas): SectionParse {
  const cursor = new TextCursor(body);
  cursor.skipWhitespace();
  if (!cursor.accept('<function=')) return malformed('no <function=NAME>');
  const name = cursor.readUntil('>')?.trim();
  if (name === undefined || name === '' || /[\s<]/.test(name))
    return malformed('bad function name');
  const input: Record<string, unknown> = {};
  for (;;) {
    cursor.skipWhitespace();
    if (cursor.accept('</function>')) break;
    if (!cursor.accept('<parameter=')) return malformed('expected <parameter= or </function>');
    const key = cursor.readUntil('>')?.trim();
    const value = cursor.readUntil('</parameter>');
    if (key === undefined || key === '' || value === undefined) return malformed('bad parameter');
    input[key] = coerceParameterValue(
      stripFramingNewlines(value),
      findPropertySchema(schemas, name, key),
    );
  }
  return cursor.restIsOnly() ? parsedCalls([{ name, input }]) : malformed('text after </function>');
}
