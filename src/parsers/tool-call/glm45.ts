// source: vllm-project/vllm vllm/tool_parsers/glm4_moe_tool_parser.py and glm47_moe_tool_parser.py;
// chat templates of zai-org/GLM-4.5 / 4.6 (`<tool_call>NAME\n<arg_key>K</arg_key>\n<arg_value>V</arg_value>\n</tool_call>`)
// and GLM-4.7 (the same without the line breaks).
import type { ToolSchemas } from '../../model/model-request.js';
import { coerceParameterValue, findPropertySchema } from './coerce-parameter-value.js';
import { createSectionParser } from './create-section-parser.js';
import { findValueEnd, type ValueSyntax } from './find-value-end.js';
import { malformed, parsedCalls, unfinished, type SectionParse } from './section-parse.js';
import { TextCursor } from './text-cursor.js';

/**
 * GLM-4.5/4.6/4.7: the name, then `<arg_key>`/`<arg_value>` pairs; values typed by schema. A value
 * may quote these tags (see `findValueEnd`); the body is `unfinished` while it stops inside one.
 */
export const createGlm45Parser = createSectionParser({
  name: 'glm45',
  sections: [{ open: '<tool_call>', close: '</tool_call>' }],
  parseSection: parseGlmSection,
});

function parseGlmSection(body: string, schemas: ToolSchemas): SectionParse {
  const nameEnd = firstIndex(body, ['\n', '<arg_key>']);
  const name = body.slice(0, nameEnd).trim();
  if (name === '' || /[\s<>]/.test(name)) return malformed('bad function name');
  const cursor = new TextCursor(body.slice(nameEnd));
  const input: Record<string, unknown> = {};
  for (;;) {
    cursor.skipWhitespace();
    if (cursor.atEnd) return parsedCalls([{ name, input }]);
    if (!cursor.accept('<arg_key>')) return malformed('expected <arg_key>');
    const key = cursor.readUntil('</arg_key>')?.trim();
    cursor.skipWhitespace();
    if (key === undefined || key === '' || !cursor.accept('<arg_value>')) {
      return malformed('expected </arg_key> then <arg_value>');
    }
    const rest = cursor.rest;
    const end = findValueEnd(rest, argValue);
    if (end === -1) return unfinished(`<arg_value> of ${key} is not closed`);
    cursor.skip(end + argValue.close.length);
    input[key] = coerceParameterValue(rest.slice(0, end), findPropertySchema(schemas, name, key));
  }
}

/**
 * A `</arg_value>` is real when the next `<arg_key>` or the end of the body follows; an
 * `<arg_value>` right after an `</arg_key>` in a value is a quoted call's, closed first.
 */
const argValue: ValueSyntax = {
  close: '</arg_value>',
  nestedOpen: /<\/arg_key>\s*<arg_value>/,
  continues: (after) => after === '' || after.startsWith('<arg_key>'),
};

function firstIndex(text: string, tokens: readonly string[]): number {
  const found = tokens.map((t) => text.indexOf(t)).filter((i) => i !== -1);
  return found.length === 0 ? text.length : Math.min(...found);
}
