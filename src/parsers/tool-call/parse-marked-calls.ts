import { malformed, parsedCalls, type SectionParse } from './section-parse.js';
import { TextCursor } from './text-cursor.js';
import type { ParsedToolCall } from './tool-call-output.js';

/** The markers around each call inside a section (DeepSeek, Kimi). */
export interface CallMarkers {
  begin: string;
  end: string;
}

/**
 * A section body that is a run of `begin … end` calls separated by whitespace only; `readCall`
 * reads the text between the markers, returning undefined when it is not a call.
 */
export function parseMarkedCalls(
  body: string,
  markers: CallMarkers,
  readCall: (inner: string) => ParsedToolCall | undefined,
): SectionParse {
  const cursor = new TextCursor(body);
  const calls: ParsedToolCall[] = [];
  for (;;) {
    cursor.skipWhitespace();
    if (cursor.atEnd) return parsedCalls(calls);
    if (!cursor.accept(markers.begin)) return malformed(`expected ${markers.begin}`);
    const inner = cursor.readUntil(markers.end);
    if (inner === undefined) return malformed(`no ${markers.end}`);
    const call = readCall(inner);
    if (call === undefined) return malformed(`unreadable call: ${inner}`);
    calls.push(call);
  }
}
