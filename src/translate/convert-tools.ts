import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { ToolSchemas } from '../model/model-request.js';
import type { RequestCustomTool, RequestTool } from '../protocol/messages-request-schema.js';
import { ApiError } from '../protocol/api-error.js';
import { anthropicDefinedTool, isServerToolType } from './anthropic-defined-tools.js';
import { noToolChanges, type ToolChanges } from './tool-changes.js';
import { sanitizeJsonSchema } from './sanitize-json-schema.js';

/**
 * Anthropic custom tools as OpenAI function tools, in request order (a stable order keeps the
 * prompt prefix byte-identical across turns), then those the conversation defined by value. The
 * conversation's `changes` (see toolChanges) decide which are offered: a `defer_loading` tool
 * only once something loaded it (Claude Code also sends one such placeholder that nothing ever
 * loads), a removed tool not at all. Tools Anthropic defines for clients to run (bash, text
 * editor, memory) get their published schema. Anthropic-hosted tools (web search, code
 * execution, ...) cannot run here: a clear 400, not a silent drop.
 */
export function convertTools(
  tools: readonly RequestTool[] | undefined,
  changes: ToolChanges = noToolChanges,
): ChatCompletionFunctionTool[] {
  const converted: ChatCompletionFunctionTool[] = [];
  tools?.forEach((tool, index) => {
    const removed = changes.removed.has(tool.name);
    if (!isCustomTool(tool)) {
      // Converted even when removed: a tool Ferry cannot serve is refused wherever it is.
      const defined = convertDefinedTool(tool, `tools.${index}`);
      if (!removed) converted.push(defined);
    } else if (!removed && (!isDeferredTool(tool) || changes.loaded.has(tool.name)))
      converted.push(convertCustomTool(tool));
  });
  changes.defined.forEach((tool) => {
    // Checked where it was defined (see toolChanges), so the path is never shown.
    if (!changes.removed.has(tool.name)) converted.push(convertTool(tool, 'tool_definition'));
  });
  return converted;
}

/**
 * What `changes` change in the list `tools` converts to, as one string: '' when nothing (the
 * list then converts as without changes).
 */
export function toolChangesKey(tools: readonly RequestTool[], changes: ToolChanges): string {
  if (changes === noToolChanges) return '';
  let key = '';
  for (const tool of tools) {
    if (changes.removed.has(tool.name)) key += `-${tool.name}\u0000`;
    else if (isDeferredTool(tool) && changes.loaded.has(tool.name)) key += `+${tool.name}\u0000`;
  }
  const defined = changes.defined.filter((tool) => !changes.removed.has(tool.name));
  return defined.length === 0 ? key : `${key}${JSON.stringify(defined)}`;
}

/** The tools' input schemas by name, as sent (parsers type arguments with them). */
export function collectToolSchemas(
  tools: readonly RequestTool[] | undefined,
  changes: ToolChanges = noToolChanges,
): ToolSchemas {
  const schemas = new Map<string, Record<string, unknown>>();
  for (const tool of [...(tools ?? []), ...changes.defined]) {
    if (isCustomTool(tool)) schemas.set(tool.name, tool.input_schema);
    else {
      const defined = anthropicDefinedTool(tool.type);
      if (defined !== undefined) schemas.set(tool.name, defined.parameters);
    }
  }
  return schemas;
}

/** Throws the 400 for a tool Ferry cannot offer (see convertTools); `path` names it. */
export function checkToolType(tool: RequestTool, path: string): void {
  if (!isCustomTool(tool)) convertDefinedTool(tool, path);
}

function convertTool(tool: RequestTool, path: string): ChatCompletionFunctionTool {
  return isCustomTool(tool) ? convertCustomTool(tool) : convertDefinedTool(tool, path);
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
  path: string,
): ChatCompletionFunctionTool {
  const defined = anthropicDefinedTool(tool.type);
  if (defined === undefined) throw unsupportedToolError(tool, path);
  if (tool.name !== defined.name)
    throw new ApiError(
      'invalid_request_error',
      `${path}.name: a '${tool.type}' tool must be named '${defined.name}'`,
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

function unsupportedToolError(tool: { type: string; name: string }, path: string): ApiError {
  const where = `${path}: tool type '${tool.type}' (${tool.name})`;
  if (tool.type === 'mcp_toolset')
    return new ApiError(
      'invalid_request_error',
      `${where} needs the MCP connector, which is not available with self-hosted models; connect MCP servers in the client instead (Claude Code: \`claude mcp add\`)`,
    );
  return new ApiError(
    'invalid_request_error',
    isServerToolType(tool.type)
      ? `${where} runs on Anthropic's servers, which a self-hosted model does not have; give the model a custom tool that does the same in your client instead`
      : `${where} is not supported; custom tools (with an input_schema) and Anthropic's bash, text editor and memory tools are`,
  );
}
