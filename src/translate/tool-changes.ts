import { ApiError } from '../protocol/api-error.js';
import type {
  RequestMessage,
  RequestTool,
  RequestToolAdditionBlock,
  RequestToolRemovalBlock,
} from '../protocol/messages-request-schema.js';
import { checkToolType } from './convert-tools.js';

/** No tool names: nothing loaded, nothing removed. */
export const noToolNames: ReadonlySet<string> = new Set();

/** How the conversation changed the request's `tools`, as it stands at its end. */
export interface ToolChanges {
  /** Tools of `tools` a `tool_reference` or a `tool_addition` named: offered even if deferred. */
  readonly loaded: ReadonlySet<string>;
  /** Tools a `tool_removal` withdrew and nothing named again after it. */
  readonly removed: ReadonlySet<string>;
  /** Tools a `tool_addition` defined by value, in the order they were defined. */
  readonly defined: readonly RequestTool[];
}

export const noToolChanges: ToolChanges = Object.freeze({
  loaded: noToolNames,
  removed: noToolNames,
  defined: Object.freeze([]),
});

/**
 * The conversation's changes to the tool list. Anthropic lets a conversation change its tools
 * where it stands, so that the prompt before the change (and its cache) stays as it was:
 *
 * - Tool search: tools sent with `defer_loading` stay out of the model's list until a
 *   `tool_reference` in a tool result loads them (Claude Code's ToolSearch answers so).
 * - Mid-conversation tool changes: a `tool_addition` block in a system message offers a tool,
 *   named from `tools` or defined by value there; a `tool_removal` block withdraws one. A
 *   `compaction` block carries those of the turns it summarized.
 *
 * An OpenAI-compatible engine takes tools only in `tools`, for the whole request, so what the
 * conversation has changed by its end is what the upstream's list holds (see convertTools).
 * A name that nothing defines is Anthropic's 400, as are MCP references: Anthropic's servers
 * would resolve those, and Ferry has no MCP connector.
 */
export function toolChanges(
  messages: readonly RequestMessage[],
  tools: readonly RequestTool[],
): ToolChanges {
  let walk: ToolChangeWalk | undefined;
  for (let m = 0; m < messages.length; m++) {
    const message = messages[m]!;
    if (message.content === undefined || typeof message.content === 'string') continue;
    if (message.role === 'system') {
      message.content.forEach((block, b) => {
        if (block.type !== 'text')
          (walk ??= new ToolChangeWalk(tools)).apply(block, `messages.${m}.content.${b}`);
      });
      continue;
    }
    for (let b = 0; b < message.content.length; b++) {
      const block = message.content[b]!;
      // A compaction carries the tool changes of the turns it summarized.
      if (block.type === 'compaction')
        block.tool_changes?.forEach((change, c) =>
          (walk ??= new ToolChangeWalk(tools)).apply(
            change,
            `messages.${m}.content.${b}.tool_changes.${c}`,
          ),
        );
      if (block.type !== 'tool_result' || !Array.isArray(block.content)) continue;
      block.content.forEach((item, i) => {
        if (item.type !== 'tool_reference') return;
        walk ??= new ToolChangeWalk(tools);
        if (!walk.defines(item.tool_name))
          throw unresolvedReference(`messages.${m}.content.${b}.content.${i}`, item.tool_name);
        walk.load(item.tool_name);
      });
    }
  }
  return walk?.result() ?? noToolChanges;
}

class ToolChangeWalk {
  private readonly loaded = new Set<string>();
  private readonly removed = new Set<string>();
  private readonly defined = new Map<string, RequestTool>();

  constructor(private readonly tools: readonly RequestTool[]) {}

  defines(name: string): boolean {
    return this.defined.has(name) || this.tools.some((tool) => tool.name === name);
  }

  load(name: string): void {
    this.loaded.add(name);
    this.removed.delete(name);
  }

  apply(block: RequestToolAdditionBlock | RequestToolRemovalBlock, at: string): void {
    const path = `${at}.tool`;
    const { tool } = block;
    switch (tool.type) {
      case 'mcp_tool_reference':
      case 'mcp_toolset_reference':
        throw new ApiError(
          'invalid_request_error',
          `${path}: '${tool.type}' (MCP server '${tool.server_name}') needs the MCP connector, which is not available with self-hosted models; connect MCP servers in the client instead`,
        );
      case 'tool_definition':
        return this.define(tool.definition, `${path}.definition`);
      case 'tool_reference':
        if (!this.defines(tool.name))
          throw new ApiError(
            'invalid_request_error',
            `${path}.name: ${block.type} names '${tool.name}', which is not defined in \`tools\` or by an earlier tool_addition`,
          );
        if (block.type === 'tool_addition') this.load(tool.name);
        else {
          this.removed.add(tool.name);
          this.loaded.delete(tool.name);
        }
    }
  }

  private define(tool: RequestTool, path: string): void {
    if (this.defines(tool.name))
      throw new ApiError(
        'invalid_request_error',
        `${path}.name: tool '${tool.name}' is already defined; offer it again with a tool_addition that names it in a tool_reference`,
      );
    checkToolType(tool, path);
    this.defined.set(tool.name, tool);
  }

  result(): ToolChanges {
    return {
      loaded: this.loaded,
      removed: this.removed,
      defined: [...this.defined.values()],
    };
  }
}

function unresolvedReference(path: string, name: string): ApiError {
  return new ApiError(
    'invalid_request_error',
    `${path}.tool_name: tool_reference names '${name}', which is not defined in \`tools\``,
    { details: { error_code: 'tool_reference_unresolved' } },
  );
}
