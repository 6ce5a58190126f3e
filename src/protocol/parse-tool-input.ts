import { Allow, parse as parsePartialJson } from 'partial-json';
import { isPlainObject } from '../util/is-plain-object.js';

/** A tool call's complete arguments; text that is not valid JSON is kept as the raw string. */
export function parseToolInput(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

/**
 * The arguments of a tool call that `max_tokens` cut off, as the `input` object.
 *
 * Anthropic's API never hands out a value that did not arrive whole, and the official SDK reads
 * a streamed call's cut-off JSON the same way: the members that arrived whole, with objects and
 * arrays closed, a half-written string, number or literal dropped. So a non-streamed reply
 * carries the same `input` a streaming client of the same reply sees. Text that holds no object
 * is kept as the raw string, so nothing the model wrote is lost.
 */
export function parseCutToolInput(json: string): unknown {
  try {
    const partial: unknown = parsePartialJson(json, Allow.OBJ | Allow.ARR);
    return isPlainObject(partial) ? partial : json;
  } catch {
    return json;
  }
}
