import type { ToolSchemas } from '../../model/model-request.js';
import { isPlainObject } from '../../util/is-plain-object.js';
import { parseJson } from '../../util/parse-json.js';
import { readPython } from './read-python.js';

/**
 * A parameter value that an XML-style format sent as a string, converted to the type the tool's
 * input schema declares (after vLLM's qwen3coder/glm4_moe/minimax_m2 parsers, but stricter:
 * a value that does not fit its declared type stays a string rather than becoming `false`).
 * Unknown tools and parameters keep the string: without a schema a string is never wrong.
 * An object or array may also come as a Python literal (`{'k': True}`): templates that render
 * arguments with Jinja's `| string` show the model Python reprs, and vLLM falls back to
 * `ast.literal_eval` for them.
 */
export function coerceParameterValue(raw: string, propertySchema: unknown): unknown {
  const types = declaredTypes(propertySchema);
  if (types.length === 0) return raw;
  const trimmed = raw.trim();
  if (types.includes('null') && /^(null|none)$/i.test(trimmed)) return null;
  if (types.includes('string')) return raw;
  for (const type of types) {
    const converted = convertTo(type, trimmed);
    if (converted !== undefined) return converted.value;
  }
  const json = parseJson(trimmed);
  return json === undefined ? raw : json;
}

/** The schema of one parameter of one tool, if the request declared it. */
export function findPropertySchema(schemas: ToolSchemas, tool: string, parameter: string): unknown {
  const properties = schemas.get(tool)?.['properties'];
  return isPlainObject(properties) ? properties[parameter] : undefined;
}

function declaredTypes(schema: unknown): string[] {
  if (!isPlainObject(schema)) return [];
  const type = schema['type'];
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  const options = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(options)) return options.flatMap(declaredTypes);
  const values = schema['enum'] ?? (schema['const'] === undefined ? undefined : [schema['const']]);
  if (Array.isArray(values)) return [...new Set(values.map(jsonTypeOf))];
  return [];
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

function convertTo(type: string, text: string): { value: unknown } | undefined {
  switch (type) {
    case 'integer':
      return /^[-+]?\d+(\.0*)?$/.test(text) ? { value: Number(text) } : undefined;
    case 'number':
      return text !== '' && Number.isFinite(Number(text)) ? { value: Number(text) } : undefined;
    case 'boolean':
      return /^(true|false)$/i.test(text) ? { value: text.toLowerCase() === 'true' } : undefined;
    case 'object':
      return matching(parseContainer(text), isPlainObject);
    case 'array':
      return matching(parseContainer(text), Array.isArray);
    default:
      return undefined;
  }
}

/** JSON first; a Python literal only when the text is not JSON. */
function parseContainer(text: string): unknown {
  const json = parseJson(text);
  return json === undefined ? readPython(text, (reader) => reader.value()) : json;
}

function matching(
  value: unknown,
  test: (value: unknown) => boolean,
): { value: unknown } | undefined {
  return test(value) ? { value } : undefined;
}
