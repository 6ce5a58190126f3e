import type { ParsedToolCall } from './tool-call-output.js';

/** The outcome of reading one delimited section of tool calls. */
export type SectionParse =
  { kind: 'calls'; calls: ParsedToolCall[] } | { kind: 'malformed'; reason: string };

export function parsedCalls(calls: ParsedToolCall[]): SectionParse {
  return calls.length === 0 ? malformed('no call inside') : { kind: 'calls', calls };
}

export function malformed(reason: string): SectionParse {
  return { kind: 'malformed', reason };
}
