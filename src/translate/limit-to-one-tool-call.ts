import type { ModelStreamPart } from '../model/model-stream-part.js';

/**
 * `disable_parallel_tool_use`: Anthropic answers with at most one tool_use. Engines do not all
 * honour `parallel_tool_calls: false`, and a model writing calls as text ignores it, so Ferry
 * ends the reply once the first call is complete (at its end, or when a second one starts),
 * with the stop reason of a tool call. The caller then stops the engine, as after a stop
 * sequence; `stopped` tells it so.
 */
export class OneToolCallLimit {
  private firstCall: string | undefined;
  stopped = false;

  push(part: ModelStreamPart): ModelStreamPart[] {
    if (this.stopped) return [];
    if (part.type === 'tool-call-start') {
      if (this.firstCall === undefined) {
        this.firstCall = part.id;
        return [part];
      }
      return this.stop([]);
    }
    if (part.type === 'tool-call-end' && part.id === this.firstCall) return this.stop([part]);
    return [part];
  }

  private stop(parts: ModelStreamPart[]): ModelStreamPart[] {
    this.stopped = true;
    return [...parts, { type: 'finish', reason: 'tool-calls' }];
  }
}
