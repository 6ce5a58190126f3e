import type { ModelStreamPart } from '../model/model-stream-part.js';

/**
 * `disable_parallel_tool_use`: Anthropic answers with at most one tool_use, and nothing after
 * it. Engines do not all honour `parallel_tool_calls: false`, and a model writing calls as text
 * ignores it, so once the first call has begun Ferry ends the reply at the first part that is
 * not that call's (a second call, more text or reasoning), with the stop reason of a tool call.
 * (An OpenAI-compatible upstream's call ends only with its finish chunk, so its end cannot be
 * waited for.) The engine's usage and finish still count: a call that `max_tokens` cut off
 * ends with `max_tokens`, and usage that arrives after the stop is kept. The caller then stops
 * the engine, as after a stop sequence; `stopped` tells it so.
 */
export class OneToolCallLimit {
  private firstCall: string | undefined;
  stopped = false;

  push(part: ModelStreamPart): ModelStreamPart[] {
    if (part.type === 'usage') return [part];
    if (this.stopped) return [];
    if (part.type === 'finish') return [part];
    if (this.firstCall === undefined) {
      if (part.type === 'tool-call-start') this.firstCall = part.id;
      return [part];
    }
    const ofFirstCall =
      (part.type === 'tool-call-delta' || part.type === 'tool-call-end') &&
      part.id === this.firstCall;
    return ofFirstCall ? [part] : this.stop();
  }

  private stop(): ModelStreamPart[] {
    this.stopped = true;
    return [{ type: 'finish', reason: 'tool-calls' }];
  }
}
