import type { ChatCompletionToolChoiceOption } from 'openai/resources/chat/completions';
import type { RequestToolChoice } from '../protocol/messages-request-schema.js';
import { ApiError } from '../protocol/api-error.js';

export interface ConvertedToolChoice {
  tool_choice?: ChatCompletionToolChoiceOption;
  parallel_tool_calls?: boolean;
}

/**
 * Anthropic tool_choice → OpenAI: auto → "auto", any → "required", tool → the named function,
 * none → "none"; `disable_parallel_tool_use` → `parallel_tool_calls: false`.
 * `toolNames` are the tools the upstream will see.
 */
export function convertToolChoice(
  choice: RequestToolChoice | undefined,
  toolNames: ReadonlySet<string>,
): ConvertedToolChoice {
  if (choice === undefined) return {};
  if (toolNames.size === 0) return convertWithoutTools(choice);
  const parallel =
    choice.type !== 'none' && choice.disable_parallel_tool_use === true
      ? { parallel_tool_calls: false }
      : {};
  switch (choice.type) {
    case 'auto':
      return { tool_choice: 'auto', ...parallel };
    case 'any':
      return { tool_choice: 'required', ...parallel };
    case 'tool':
      if (!toolNames.has(choice.name)) throw unknownToolError(choice.name);
      return { tool_choice: { type: 'function', function: { name: choice.name } }, ...parallel };
    case 'none':
      return { tool_choice: 'none' };
  }
}

/** Without tools, only "auto" and "none" make sense; forcing a call is an error. */
function convertWithoutTools(choice: RequestToolChoice): ConvertedToolChoice {
  if (choice.type === 'auto' || choice.type === 'none') return {};
  throw new ApiError(
    'invalid_request_error',
    `tool_choice: '${choice.type}' requires at least one tool in \`tools\``,
  );
}

function unknownToolError(name: string): ApiError {
  return new ApiError(
    'invalid_request_error',
    `tool_choice.name: tool '${name}' is not defined in \`tools\``,
  );
}
