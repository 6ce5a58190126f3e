// source: vllm-project/vllm vllm/tool_parsers/qwen3coder_tool_parser.py; chat template of
// Qwen/Qwen3-Coder-30B-A3B-Instruct (`<tool_call>\n<function=NAME>\n<parameter=KEY>\nVALUE\n</parameter>\n</function>\n</tool_call>`).
import type { ToolSchemas } from '../../model/model-request.js';
import { coerceParameterValue, findPropertySchema } from './coerce-parameter-value.js';
import { createSectionParser } from './create-section-parser.js';
import { malformed, parsedCalls, type SectionParse } from './section-parse.js';
import { stripFramingNewlines, TextCursor } from './text-cursor.js';

/** Qwen3-Coder (and Qwen3.5): XML-ish function and parameter tags, values typed by schema. */
export const createQwen3CoderParser = createSectionParser({
  name: 'qwen3_coder',
  sections: [{ open: '<tool_call>', close: '</tool_call>' }],
  parseSection: parseFunctionSection,
});

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
