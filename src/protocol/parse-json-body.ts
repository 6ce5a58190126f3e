import { randomUUID } from 'node:crypto';
import { isPlainObject } from '../util/is-plain-object.js';

/** A tool list's JSON exactly as a request body carried it, and where in that body it sat. */
export interface KnownToolsText {
  /** `"tools":[…]`, character for character. */
  readonly text: string;
  /** What JSON.parse made of the list once; shared by every body that carries the same text. */
  readonly list: readonly unknown[];
  /** How many characters followed the text in the body it was last found in. */
  tail: number;
}

// A string no client can send: what the known text is replaced with before parsing.
const placeholderValue = `ferry-known-tools-${randomUUID()}`;
const placeholder = `"tools":${JSON.stringify(placeholderValue)}`;
// How far the text may have moved from where the tail puts it: a few changed digits or ids.
const drift = 256;
const toolsKey = '"tools":[';

/**
 * JSON.parse for a request body, minus the parse of a tool list whose text came before.
 * Claude Code sends the same ~30 KB of tool schemas on every turn (two thirds of its body),
 * near the end and followed by a few fields of steady length. Where the known text is found at
 * that place, it is swapped for a placeholder, the rest is parsed, and the list parsed before
 * takes the placeholder's place. The placeholder must come back as the top-level `tools` value,
 * so a match inside some other value, or a later duplicate key, falls back to a plain parse.
 */
export function parseJsonBody(body: string, known: readonly KnownToolsText[]): unknown {
  for (const entry of known) {
    const at = findKnownText(body, entry);
    if (at === -1) continue;
    const parsed = parseWithPlaceholder(body, at, entry.text.length);
    if (parsed === undefined) break;
    parsed.tools = entry.list;
    entry.tail = body.length - at - entry.text.length;
    return parsed;
  }
  return JSON.parse(body) as unknown; // also when the body is bad: its own error message
}

/** Where `entry.text` starts in `body` near the place its tail says, or -1. */
function findKnownText(body: string, entry: KnownToolsText): number {
  const { text } = entry;
  const expected = body.length - entry.tail - text.length;
  if (expected >= 1 && matchesAt(body, text, expected)) return expected;
  // Searched in a window only: a body without the list must not cost a scan of all of it.
  const from = Math.max(1, expected - drift);
  const window = body.slice(from, Math.max(from, expected + drift + toolsKey.length));
  const at = window.indexOf(toolsKey);
  return at !== -1 && matchesAt(body, text, from + at) ? from + at : -1;
}

function matchesAt(body: string, text: string, at: number): boolean {
  // A slice and `===` compare memory at once; `startsWith(text, at)` walks it char by char.
  return body.charCodeAt(at) === 0x22 && body.slice(at, at + text.length) === text;
}

function parseWithPlaceholder(
  body: string,
  at: number,
  length: number,
): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.slice(0, at) + placeholder + body.slice(at + length));
  } catch {
    return undefined;
  }
  return isPlainObject(parsed) && parsed.tools === placeholderValue ? parsed : undefined;
}

/**
 * The known text of `list` in a body JSON.parse read it from: `"tools":` and the list as
 * JSON.stringify writes it, which is how JavaScript clients such as Claude Code wrote it.
 * Undefined when the body spelled it otherwise (spaces, escapes).
 */
export function locateToolsText(
  body: string,
  list: readonly unknown[],
): KnownToolsText | undefined {
  const text = `"tools":${JSON.stringify(list)}`;
  // Copies inside other values come before the top-level one only in odd bodies: a few suffice.
  for (let at = body.indexOf(text), tries = 0; at > 0 && tries < 4; tries++) {
    if (parseWithPlaceholder(body, at, text.length) !== undefined)
      return { text, list, tail: body.length - at - text.length };
    at = body.indexOf(text, at + 1);
  }
  return undefined;
}
