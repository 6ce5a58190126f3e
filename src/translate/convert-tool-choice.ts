import type { ChatCompletionToolChoiceOption } from 'openai/resources/chat/completions';
import type { RequestTool, RequestToolChoice } from '../protocol/messages-request-schema.js';
import { ApiError } from '../protocol/api-error.js';
import { isDeferredTool } from './convert-tools.js';
import { noToolNames } from './tool-changes.js';

export interface ConvertedToolChoice {
  tool_choice?: ChatCompletionToolChoiceOption;
  parallel_tool_calls?: boolean;
}

/**
 * Anthropic tool_choice → OpenAI: auto → "auto", any → "required", tool → the named function,
 * none → "none"; `disable_parallel_tool_use` → `parallel_tool_calls: false`.
 * `toolNames` are the tools the upstream will see; `tools`, the request's, and `removed`, those a
 * tool_removal withdrew, say in errors why a named tool is not among them.
 */
export function convertToolChoice(
  choice: RequestToolChoice | undefined,
  toolNames: ReadonlySet<string>,
  tools: readonly RequestTool[] = [],
  removed: ReadonlySet<string> = noToolNames,
): ConvertedToolChoice {
  if (choice === undefined) return {};
  const unknownTool = (name: string): ApiError =>
    removed.has(name)
      ? new ApiError(
          'invalid_request_error',
          `tool_choice.name: tool '${name}' was withdrawn by a tool_removal in the conversation`,
        )
      : unknownToolError(name, tools);
  if (toolNames.size === 0) return convertWithoutTools(choice, tools, unknownTool);
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
      if (!toolNames.has(choice.name)) throw unknownTool(choice.name);
      return { tool_choice: { type: 'function', function: { name: choice.name } }, ...parallel };
    case 'none':
      return { tool_choice: 'none' };
  }
}

/** Without tools, only "auto" and "none" make sense; forcing a call is an error. */
function convertWithoutTools(
  choice: RequestToolChoice,
  tools: readonly RequestTool[],
  unknownTool: (name: string) => ApiError,
): ConvertedToolChoice {
  if (choice.type === 'auto' || choice.type === 'none') return {};
  if (choice.type === 'tool' && tools.some((tool) => tool.name === choice.name))
    throw unknownTool(choice.name);
  const deferredOnly = tools.length > 0 && tools.every(isDeferredTool);
  throw new ApiError(
    'invalid_request_error',
    deferredOnly
      ? `tool_choice: '${choice.type}' requires a tool the model can call, and every tool in \`tools\` has \`defer_loading\` with no \`tool_reference\` loading it`
      : `tool_choice: '${choice.type}' requires at least one tool in \`tools\``,
  );
}

function unknownToolError(name: string, tools: readonly RequestTool[]): ApiError {
  return new ApiError(
    'invalid_request_error',
    isDeferredName(name, tools)
      ? `tool_choice.name: tool '${name}' has \`defer_loading\` and no \`tool_reference\` in the conversation loads it`
      : `tool_choice.name: tool '${name}' is not defined in \`tools\``,
  );
}

function isDeferredName(name: string, tools: readonly RequestTool[]): boolean {
  return tools.some((tool) => tool.name === name && isDeferredTool(tool));
}
