// source: vllm-project/vllm vllm/tool_parsers/qwen3coder_tool_parser.py (`_parse_xml_function_call`,
// `_find_true_param_end`, `_next_structural_param_start`, `_find_true_function_end`).
import type { ToolSchemas } from '../../model/model-request.js';
import { isPlainObject } from '../../util/is-plain-object.js';
import { coerceParameterValue, findPropertySchema } from './coerce-parameter-value.js';
import { findValueEnd, type ValueSyntax } from './find-value-end.js';
import {
  malformed,
  parsedCalls,
  unfinished,
  type SectionFailure,
  type SectionParse,
} from './section-parse.js';
import { stripFramingNewlines, TextCursor } from './text-cursor.js';
import type { ParsedToolCall } from './tool-call-output.js';

const parameterEnd = '</parameter>';

/**
 * A run of `<function=NAME>` blocks of `<parameter=KEY>VALUE</parameter>` (Qwen3-Coder,
 * Seed-OSS), values typed by schema. Lenient where vLLM is: a value missing its `</parameter>`
 * ends at the next parameter line or the `</function>` line, and the last function may lack its
 * `</function>`. A value may quote these tags (see `findValueEnd`); the body is `unfinished`
 * while it stops inside one.
 */
export function parseFunctionTags(body: string, schemas: ToolSchemas): SectionParse {
  const cursor = new TextCursor(body);
  const calls: ParsedToolCall[] = [];
  for (;;) {
    cursor.skipWhitespace();
    if (cursor.atEnd) return parsedCalls(calls);
    if (!cursor.accept('<function=')) return malformed('expected <function=NAME>');
    // vLLM's `_is_valid_function_name`: a template left unrendered (`{{ name }}`) is no call.
    const name = cursor.readUntil('>')?.trim() ?? '';
    if (!/^[^\s<>{}"']+$/.test(name)) return malformed('bad function name');
    const read = readParameters(cursor, name, schemas);
    if ('failure' in read) return read.failure;
    calls.push({ name, input: read.input });
  }
}

type ParametersRead = { input: Record<string, unknown> } | { failure: SectionFailure };

function readParameters(cursor: TextCursor, tool: string, schemas: ToolSchemas): ParametersRead {
  const declared = declaredParameters(schemas, tool);
  const input: Record<string, unknown> = {};
  for (;;) {
    cursor.skipWhitespace();
    if (cursor.atEnd || cursor.accept('</function>')) return { input };
    if (!cursor.accept('<parameter=')) {
      return { failure: malformed('expected <parameter= or </function>') };
    }
    const key = cursor.readUntil('>')?.trim() ?? '';
    if (key === '' || /[\s<]/.test(key)) return { failure: malformed('bad parameter name') };
    const isNext = (name: string) =>
      name !== key && !Object.hasOwn(input, name) && isKnown(declared, name);
    const value = readValue(cursor, isNext);
    if (value === undefined) return { failure: unfinished(`<parameter=${key}> is not closed`) };
    const schema = findPropertySchema(schemas, tool, key);
    input[key] = coerceParameterValue(stripFramingNewlines(value), schema);
  }
}

/**
 * A value up to its real `</parameter>`; failing that, up to an implicit end (the line of a
 * declared parameter not given yet, or of the last `</function>`) if the value holds no
 * `</parameter>` at all: one inside it means the value quotes tags and goes on. Undefined while
 * neither.
 */
function readValue(cursor: TextCursor, isNext: (name: string) => boolean): string | undefined {
  const text = cursor.rest;
  const end = findValueEnd(text, valueSyntax);
  if (end !== -1) {
    cursor.skip(end + parameterEnd.length);
    return text.slice(0, end);
  }
  const implicitEnd = findImplicitEnd(text, isNext);
  if (implicitEnd === -1 || text.slice(0, implicitEnd).includes(parameterEnd)) return undefined;
  cursor.skip(implicitEnd);
  return text.slice(0, implicitEnd);
}

/** Where a value missing its `</parameter>` ends (after its last line break), or -1. */
function findImplicitEnd(text: string, isNext: (name: string) => boolean): number {
  const functionEnd = /\n<\/function>(?=\s*(?:<function=|$))/.exec(text)?.index ?? text.length;
  for (const match of text.matchAll(/\n<parameter=([^>\n]*)>/g)) {
    if (match.index > functionEnd) break;
    if (isNext(match[1]?.trim() ?? '')) return match.index + 1;
  }
  return functionEnd === text.length ? -1 : functionEnd + 1;
}

/**
 * A `</parameter>` is real when another parameter (any name: models add undeclared ones), the
 * `</function>` or the end of the body follows; a `<parameter=` at the start of a line in a value
 * opens a quoted call's parameter, closed by the next `</parameter>`.
 */
const valueSyntax: ValueSyntax = {
  close: parameterEnd,
  nestedOpen: /(?:^|\n)<parameter=/,
  continues: (after) =>
    after === '' || after.startsWith('</function>') || /^<parameter=[^\s<>]+>/.test(after),
};

function declaredParameters(schemas: ToolSchemas, tool: string): ReadonlySet<string> | undefined {
  const properties = schemas.get(tool)?.['properties'];
  return isPlainObject(properties) ? new Set(Object.keys(properties)) : undefined;
}

/** Any name can be a parameter of a tool whose parameters are not declared. */
function isKnown(declared: ReadonlySet<string> | undefined, name: string): boolean {
  return declared === undefined ? name !== '' : declared.has(name);
}
