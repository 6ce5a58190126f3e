import type { ModelStreamPart } from '../model/model-stream-part.js';

/**
 * `disable_parallel_tool_use`: Anthropic answers with at most one tool_use. Engines do not all
 * honour `parallel_tool_calls: false`, and a model writing calls as text ignores it, so Ferry
 * ends the reply once the first call is complete and the model goes on to anything but its
 * usage and finish (a second call, more text), with the stop reason of a tool call. The
 * engine's own finish and usage right after the call still count: a call that `max_tokens`
 * cut off ends with `max_tokens`, and the token counts are the engine's. The caller then stops
 * the engine, as after a stop sequence; `stopped` tells it so.
 */
export class OneToolCallLimit {
  private firstCall: string | undefined;
  private firstCallEnded = false;
  stopped = false;

  push(part: ModelStreamPart): ModelStreamPart[] {
    if (this.stopped) return [];
    if (part.type === 'usage' || part.type === 'finish') return [part];
    if (this.firstCallEnded) return this.stop();
    if (part.type === 'tool-call-start') {
      if (this.firstCall !== undefined) return this.stop();
      this.firstCall = part.id;
    } else if (part.type === 'tool-call-end' && part.id === this.firstCall) {
      this.firstCallEnded = true;
    }
    return [part];
  }

  private stop(): ModelStreamPart[] {
    this.stopped = true;
    return [{ type: 'finish', reason: 'tool-calls' }];
  }
}
