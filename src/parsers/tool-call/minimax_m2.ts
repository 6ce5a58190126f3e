// source: vllm-project/vllm vllm/tool_parsers/minimax_m2_tool_parser.py; chat template of
// MiniMaxAI/MiniMax-M2 (`<minimax:tool_call>\n<invoke name="NAME">\n<parameter name="K">V</parameter>\n</invoke>\n</minimax:tool_call>`).
import type { ToolSchemas } from '../../model/model-request.js';
import { coerceParameterValue, findPropertySchema } from './coerce-parameter-value.js';
import { createSectionParser } from './create-section-parser.js';
import { malformed, parsedCalls, type SectionParse } from './section-parse.js';
import { stripFramingNewlines, TextCursor } from './text-cursor.js';
import type { ParsedToolCall } from './tool-call-output.js';

/** MiniMax-M2: one section holding one `<invoke>` per call; values typed by schema. */
export const createMinimaxM2Parser = createSectionParser({
  name: 'minimax_m2',
  sections: [{ open: '<minimax:tool_call>', close: '</minimax:tool_call>' }],
  parseSection: parseInvokes,
});

function parseInvokes(body: string, schemas: ToolSchemas): SectionParse {
  const cursor = new TextCursor(body);
  const calls: ParsedToolCall[] = [];
  for (;;) {
    cursor.skipWhitespace();
    if (cursor.atEnd) return parsedCalls(calls);
    if (!cursor.accept('<invoke name=')) return malformed('expected <invoke name=');
    const name = unquote(cursor.readUntil('>'));
    if (name === '') return malformed('bad invoke name');
    const input = readParameters(cursor, name, schemas);
    if (input === undefined) return malformed(`bad parameters of ${name}`);
    calls.push({ name, input });
  }
}

function readParameters(cursor: TextCursor, tool: string, schemas: ToolSchemas) {
  const input: Record<string, unknown> = {};
  for (;;) {
    cursor.skipWhitespace();
    if (cursor.accept('</invoke>')) return input;
    if (!cursor.accept('<parameter name=')) return undefined;
    const key = unquote(cursor.readUntil('>'));
    const value = cursor.readUntil('</parameter>');
    if (key === '' || value === undefined) return undefined;
    const schema = findPropertySchema(schemas, tool, key);
    input[key] = coerceParameterValue(stripFramingNewlines(value), schema);
  }
}

/** `"name"` or `'name'` or `name` as the bare name; empty when missing. */
function unquote(text: string | undefined): string {
  const trimmed = (text ?? '').trim();
  const quoted = /^(["'])(.*)\1$/s.exec(trimmed);
  return (quoted?.[2] ?? trimmed).trim();
}
