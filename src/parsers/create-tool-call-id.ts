let counter = 0;

/**
 * A process-unique id for a parsed tool call. It only correlates the call's parts; the server
 * maps it to a `toolu_` id, so the shape does not matter beyond being unique.
 */
export function createToolCallId(): string {
  counter += 1;
  return `call_${counter.toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}
