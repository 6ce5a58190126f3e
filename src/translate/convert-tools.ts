import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { ToolSchemas } from '../model/model-request.js';
import type { RequestCustomTool, RequestTool } from '../protocol/messages-request-schema.js';
import { ApiError } from '../protocol/api-error.js';
import { anthropicDefinedTool, isServerToolType } from './anthropic-defined-tools.js';
import { noToolNames } from './loaded-tool-names.js';
import { sanitizeJsonSchema } from './sanitize-json-schema.js';

/**
 * Anthropic custom tools as OpenAI function tools, in request order (a stable order keeps the
 * prompt prefix byte-identical across turns). A `defer_loading` tool is left out until a
 * `tool_reference` has loaded it (`loaded`, see loadedToolNames); Claude Code also sends one
 * such placeholder that nothing ever loads. Tools Anthropic defines for clients to run (bash,
 * text editor, memory) get their published schema. Anthropic-hosted tools (web search, code
 * execution, ...) cannot run here: a clear 400, not a silent drop.
 */
export function convertTools(
  tools: readonly RequestTool[] | undefined,
  loaded: ReadonlySet<string> = noToolNames,
): ChatCompletionFunctionTool[] {
  if (tools === undefined) return [];
  const converted: ChatCompletionFunctionTool[] = [];
  tools.forEach((tool, index) => {
    if (!isCustomTool(tool)) converted.push(convertDefinedTool(tool, index));
    else if (!isDeferredTool(tool) || loaded.has(tool.name))
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
    if (isDeferredTool(tool) && loaded.has(tool.name)) key += `${tool.name}\u0000`;
  return key;
}

/** The tools' input schemas by name, as sent (parsers type arguments with them). */
export function collectToolSchemas(tools: readonly RequestTool[] | undefined): ToolSchemas {
  const schemas = new Map<string, Record<string, unknown>>();
  for (const tool of tools ?? []) {
    if (isCustomTool(tool)) schemas.set(tool.name, tool.input_schema);
    else {
      const defined = anthropicDefinedTool(tool.type);
      if (defined !== undefined) schemas.set(tool.name, defined.parameters);
    }
  }
  return schemas;
}

/** A custom tool sent with `defer_loading`: hidden until a `tool_reference` loads it. */
export function isDeferredTool(tool: RequestTool): boolean {
  return isCustomTool(tool) && tool.defer_loading === true;
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

/** A tool Anthropic defines for clients to run, under the one name its type takes. */
function convertDefinedTool(
  tool: { type: string; name: string },
  index: number,
): ChatCompletionFunctionTool {
  const defined = anthropicDefinedTool(tool.type);
  if (defined === undefined) throw unsupportedToolError(tool, index);
  if (tool.name !== defined.name)
    throw new ApiError(
      'invalid_request_error',
      `tools.${index}.name: a '${tool.type}' tool must be named '${defined.name}'`,
    );
  return {
    type: 'function',
    function: {
      name: defined.name,
      description: defined.description,
      parameters: defined.parameters,
    },
  };
}

function unsupportedToolError(tool: { type: string; name: string }, index: number): ApiError {
  const where = `tools.${index}: tool type '${tool.type}' (${tool.name})`;
  return new ApiError(
    'invalid_request_error',
    isServerToolType(tool.type)
      ? `${where} runs on Anthropic's servers, which a self-hosted model does not have; give the model a custom tool that does the same in your client instead`
      : `${where} is not supported; custom tools (with an input_schema) and Anthropic's bash, text editor and memory tools are`,
  );
}
