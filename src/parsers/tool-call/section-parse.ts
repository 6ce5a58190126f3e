import type { ParsedToolCall } from './tool-call-output.js';

/**
 * The outcome of reading one delimited section of tool calls. `unfinished`: the body stops inside
 * a value, so the close tag that seemed to end the section is text of that value (a model writing
 * about tool calls quotes their tags) and the section goes on.
 */
export type SectionParse =
  | { kind: 'calls'; calls: ParsedToolCall[] }
  | { kind: 'malformed'; reason: string }
  | { kind: 'unfinished'; reason: string };

/** A section that did not become calls. */
export type SectionFailure = Exclude<SectionParse, { kind: 'calls' }>;

export function parsedCalls(calls: ParsedToolCall[]): SectionParse {
  return calls.length === 0 ? malformed('no call inside') : { kind: 'calls', calls };
}

export function malformed(reason: string): SectionFailure {
  return { kind: 'malformed', reason };
}

export function unfinished(reason: string): SectionFailure {
  return { kind: 'unfinished', reason };
}
