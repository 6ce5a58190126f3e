import { ApiError } from '../protocol/api-error.js';
import type { RequestMessage, RequestTool } from '../protocol/messages-request-schema.js';

/** No tool names: nothing loaded. */
export const noToolNames: ReadonlySet<string> = new Set();

/**
 * Tool search. Tools sent with `defer_loading` stay out of the model's tool list until a
 * `tool_reference` in a tool result loads them: a client's search tool (Claude Code's
 * ToolSearch) answers with references to the tools it found. Anthropic expands a reference into
 * the tool's definition where it stands; an OpenAI-compatible engine takes tools only in
 * `tools`, so the names returned here join that list (see convertTools) for every turn after
 * the reference. A reference to a tool the request does not define is Anthropic's 400.
 */
export function loadedToolNames(
  messages: readonly RequestMessage[],
  tools: readonly RequestTool[],
): ReadonlySet<string> {
  let names: Set<string> | undefined;
  for (let m = 0; m < messages.length; m++) {
    const content = messages[m]!.content;
    if (typeof content === 'string') continue;
    for (let b = 0; b < content.length; b++) {
      const block = content[b]!;
      if (block.type !== 'tool_result' || !Array.isArray(block.content)) continue;
      block.content.forEach((item, i) => {
        if (item.type !== 'tool_reference') return;
        if (!tools.some((tool) => tool.name === item.tool_name))
          throw unresolvedReference(`messages.${m}.content.${b}.content.${i}`, item.tool_name);
        (names ??= new Set()).add(item.tool_name);
      });
    }
  }
  return names ?? noToolNames;
}

function unresolvedReference(path: string, name: string): ApiError {
  return new ApiError(
    'invalid_request_error',
    `${path}.tool_name: tool_reference names '${name}', which is not defined in \`tools\``,
    { details: { error_code: 'tool_reference_unresolved' } },
  );
}
