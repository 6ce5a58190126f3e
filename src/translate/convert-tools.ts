import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { ToolSchemas } from '../model/model-request.js';
import type { RequestCustomTool, RequestTool } from '../protocol/messages-request-schema.js';
import { ApiError } from '../protocol/api-error.js';
import { sanitizeJsonSchema } from './sanitize-json-schema.js';

/**
 * Anthropic custom tools as OpenAI function tools, in request order (a stable order keeps the
 * prompt prefix byte-identical across turns). `defer_loading` tools are tool-search
 * placeholders that are never meant to be called, so the model never sees them. Anthropic-hosted
 * tools (web search, code execution, ...) cannot run here: a clear 400, not a silent drop.
 */
export function convertTools(
  tools: readonly RequestTool[] | undefined,
): ChatCompletionFunctionTool[] {
  if (tools === undefined) return [];
  const converted: ChatCompletionFunctionTool[] = [];
  tools.forEach((tool, index) => {
    if (!isCustomTool(tool)) throw unsupportedToolError(tool, index);
    if (tool.defer_loading === true) return;
    converted.push(convertCustomTool(tool));
  });
  return converted;
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
