/**
 * A tool call's arguments as the `input` object. The message stream builder's filter makes them
 * a whole JSON object; should anything else reach here, it is kept as the raw string rather than
 * failing the reply.
 */
export function parseToolInput(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}
