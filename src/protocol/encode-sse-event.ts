import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ApiError } from './api-error.js';

/** One SSE frame whose `event:` line matches `data.type`, as Anthropic's API sends it. */
export function encodeSseEvent(event: RawMessageStreamEvent | { type: 'ping' }): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** The final frame of a stream that failed after its first byte. */
export function encodeSseError(error: ApiError): string {
  return `event: error\ndata: ${JSON.stringify(error.toJSON())}\n\n`;
}
