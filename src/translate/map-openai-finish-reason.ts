import type { ModelFinishReason } from '../model/model-stream-part.js';
import { ApiError } from '../protocol/api-error.js';

/**
 * OpenAI finish_reason → Ferry's neutral reason. vLLM adds its own: `abort` and `error` (the
 * engine gave up on the request: the reply is incomplete) throw, so the client gets an error, a
 * final SSE `error` event once streaming, not a reply that looks whole; `repetition` (vLLM cut
 * a looping reply short) reads as a reply cut off by a limit. Other unknown reasons end the
 * turn normally.
 */
export function mapOpenAIFinishReason(reason: string): ModelFinishReason {
  switch (reason) {
    case 'length':
    case 'repetition':
      return 'max-tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'refusal';
    case 'abort':
    case 'error':
      throw new ApiError(
        'api_error',
        `The upstream ended the reply with finish_reason "${reason}": the engine ${reason === 'abort' ? 'aborted the request' : 'failed while generating'}, so the reply is incomplete`,
      );
    default:
      return 'end-turn';
  }
}
