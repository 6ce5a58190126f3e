import { readPython, type PythonReader } from './read-python.js';
import type { ParsedToolCall } from './tool-call-output.js';

/**
 * A Python list of keyword-argument calls with literal values, `[f(a=1, b="x"), g()]`, read the
 * way vLLM's pythonic parser reads it with `ast` (constants, lists, tuples, dicts); anything else
 * makes it no call list (undefined).
 */
export function parsePythonCalls(text: string): ParsedToolCall[] | undefined {
  const calls = readPython(text, (reader) => reader.sequence('[', ']', () => readCall(reader)));
  return calls === undefined || calls.length === 0 ? undefined : calls;
}

function readCall(reader: PythonReader): ParsedToolCall {
  const name = reader.identifier();
  const input: Record<string, unknown> = {};
  reader.sequence('(', ')', () => {
    const key = reader.identifier();
    reader.expect('=');
    input[key] = reader.value();
  });
  return { name, input };
}
