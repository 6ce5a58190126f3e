import type { ModelFinishReason } from '../model/model-stream-part.js';

/** OpenAI finish_reason → Ferry's neutral reason. Unknown reasons end the turn normally. */
export function mapOpenAIFinishReason(reason: string): ModelFinishReason {
  switch (reason) {
    case 'length':
      return 'max-tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end-turn';
  }
}
