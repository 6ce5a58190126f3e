import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { ToolSchemas } from '../model/model-request.js';
import type { RequestCustomTool, RequestTool } from '../protocol/messages-request-schema.js';
import { ApiError } from '../protocol/api-error.js';
import { sanitizeJsonSchema } from './sanitize-json-schema.js';

const noNames: ReadonlySet<string> = new Set();

/**
 * Anthropic custom tools as OpenAI function tools, in request order (a stable order keeps the
 * prompt prefix byte-identical across turns). A `defer_loading` tool is left out until a
 * `tool_reference` has loaded it (`loaded`, see loadedToolNames); Claude Code also sends one
 * such placeholder that nothing ever loads. Anthropic-hosted tools (web search, code execution,
 * ...) cannot run here: a clear 400, not a silent drop.
 */
export function convertTools(
  tools: readonly RequestTool[] | undefined,
  loaded: ReadonlySet<string> = noNames,
): ChatCompletionFunctionTool[] {
  if (tools === undefined) return [];
  const converted: ChatCompletionFunctionTool[] = [];
  tools.forEach((tool, index) => {
    if (!isCustomTool(tool)) throw unsupportedToolError(tool, index);
    if (tool.defer_loading === true && !loaded.has(tool.name)) return;
    converted.push(convertCustomTool(tool));
  });
  return converted;
}

/**
 * The deferred tools of `tools` that `loaded` names, in request order, as one string: '' when
 * none is (the list then converts as without references).
 */
export function loadedDeferredKey(
  tools: readonly RequestTool[],
  loaded: ReadonlySet<string>,
): string {
  if (loaded.size === 0) return '';
  let key = '';
  for (const tool of tools)
    if (isCustomTool(tool) && tool.defer_loading === true && loaded.has(tool.name))
      key += `${tool.name}\u0000`;
  return key;
}

/** The custom tools' input schemas by name, as sent (parsers type arguments with them). */
export function collectToolSchemas(tools: readonly RequestTool[] | undefined): ToolSchemas {
  const schemas = new Map<string, Record<string, unknown>>();
  for (const tool of tools ?? []) {
    if (isCustomTool(tool)) schemas.set(tool.name, tool.input_schema);
  }
  return schemas;
}

export function isCustomTool(tool: RequestTool): tool is RequestCustomTool {
  return 'input_schema' in tool && (tool.type === undefined || tool.type === 'custom');
}

function convertCustomTool(tool: RequestCustomTool): ChatCompletionFunctionTool {
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: sanitizeJsonSchema(tool.input_schema),
    },
  };
}

function unsupportedToolError(tool: RequestTool, index: number): ApiError {
  return new ApiError(
    'invalid_request_error',
    `tools.${index}: tool type '${tool.type ?? 'unknown'}' (${tool.name}) is an Anthropic-hosted ` +
      'tool that self-hosted models cannot run; only custom tools with an input_schema are supported',
  );
}
