import { ApiError } from '../protocol/api-error.js';
import type { MessagesRequest } from '../protocol/messages-request-schema.js';

/** What the model is asked for when a client asks for a compaction (Ferry's own words). */
export const compactionPrompt =
  'Write a summary of the conversation above that lets it go on without the earlier messages. ' +
  "Keep the user's goals and requests, the decisions made, what was done and found (files, " +
  'commands, results, errors), the state of the work and what is left to do, and every name, ' +
  'value and fact needed later. Write only the summary.';

/**
 * A compaction request (`compaction: {type: "summarize"}`) as the request the model answers:
 * the conversation, then the ask for its summary (and the client's own instructions), with no
 * tool calls and no thinking. The reply becomes a `compaction` block (see streamMessageEvents'
 * `asCompaction`), which the client sends back first in place of the messages it summarizes.
 */
export function compactionRequest(request: MessagesRequest): MessagesRequest {
  if (request.context_management != null)
    throw new ApiError(
      'invalid_request_error',
      'compaction: cannot be combined with context_management',
    );
  const instructions = request.compaction?.instructions?.trim();
  const ask = instructions ? `${compactionPrompt}\n\n${instructions}` : compactionPrompt;
  return {
    ...request,
    messages: [...request.messages, { role: 'user', content: ask }],
    ...(request.tools === undefined ? {} : { tool_choice: { type: 'none' } }),
    thinking: { type: 'disabled' },
  };
}
