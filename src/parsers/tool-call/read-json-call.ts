import { isPlainObject } from '../../util/is-plain-object.js';
import { parseJson, parseJsonObject } from '../../util/parse-json.js';
import type { ParsedToolCall } from './tool-call-output.js';

/**
 * A call written as a JSON object `{"name": …, "arguments": {…}}` (Hermes, Mistral before v11)
 * or `{"name": …, "parameters": {…}}` (Llama 3). Arguments sent as a JSON string holding an
 * object are unwrapped; a call without any arguments key has no arguments (`{}`), which is how
 * models call parameterless tools. Anything else is not a call.
 */
export function readJsonCall(text: string): ParsedToolCall | undefined {
  return toJsonCall(parseJson(text.trim()));
}

export function toJsonCall(value: unknown): ParsedToolCall | undefined {
  if (!isPlainObject(value)) return undefined;
  const name = value['name'];
  if (typeof name !== 'string' || name === '') return undefined;
  const args = value['arguments'] ?? value['parameters'];
  if (args === undefined && !('arguments' in value) && !('parameters' in value)) {
    return { name, input: {} };
  }
  const input = typeof args === 'string' ? parseJsonObject(args) : args;
  return isPlainObject(input) ? { name, input } : undefined;
}
