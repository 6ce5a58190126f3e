import type { MessagesRequest, RequestEffort } from '../protocol/messages-request-schema.js';

/**
 * The effort for the reply being asked for. A system message can change the request's
 * `output_config.effort` from some turn on (per-turn effort, which keeps the prompt before it
 * cached): right after a user turn with new input, it applies to the reply to that turn;
 * anywhere else, from the next user turn with new input. A user turn of tool results only is
 * no new input. A later change replaces an earlier one.
 */
export function replyEffort(
  messages: MessagesRequest['messages'],
  outputConfig: MessagesRequest['output_config'],
): RequestEffort | null | undefined {
  let effort = outputConfig?.effort;
  let pending: RequestEffort | undefined;
  let afterNewInput = false;
  for (const message of messages) {
    switch (message.role) {
      case 'user':
        afterNewInput = hasNewInput(message.content);
        if (afterNewInput && pending !== undefined) {
          effort = pending;
          pending = undefined;
        }
        break;
      case 'assistant':
        afterNewInput = false;
        break;
      case 'system': {
        const change = message.output_config?.effort;
        if (change == null) break;
        if (afterNewInput) effort = change;
        else pending = change;
      }
    }
  }
  return effort;
}

function hasNewInput(content: string | ReadonlyArray<{ type: string }>): boolean {
  return typeof content === 'string' || content.some((block) => block.type !== 'tool_result');
}
