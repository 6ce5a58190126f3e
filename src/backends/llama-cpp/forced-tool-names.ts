import type { ChatRequest, ToolSchemas } from '../../model/model-request.js';
import { ApiError } from '../../protocol/api-error.js';
import { toGrammarSchema } from './to-grammar-schema.js';

/**
 * The tools a request obliges the model to call from (`any` or a named tool), if any, each
 * schema checked for a contradiction by toGrammarSchema alone: no grammar is made here, only for
 * the tool the call names (Claude Code offers 20–40 tools, and more with MCP servers).
 * - `tool`: the named tool; a schema no value fits is a 400 naming where.
 * - `any`: every tool some value fits. A tool no value fits could never be called, so it is left
 *   out of the choice (told to `onWarning`) rather than refusing a call to the others; the
 *   request is a 400 only when no tool is left.
 */
export function forcedToolNames(
  chat: ChatRequest,
  schemas: ToolSchemas,
  onWarning?: (message: string) => void,
): string[] | undefined {
  const choice = chat.tool_choice;
  if (typeof choice === 'object' && choice.type === 'function') {
    const name = choice.function.name;
    const contradiction = contradictionIn(schemas, name);
    if (contradiction !== undefined) throw contradiction;
    return [name];
  }
  if (choice !== 'required') return undefined;
  const names = (chat.tools ?? []).flatMap((tool) =>
    tool.type === 'function' ? [tool.function.name] : [],
  );
  if (names.length === 0) return undefined;
  const contradictions: ApiError[] = [];
  const fitting = names.filter((name) => {
    const contradiction = contradictionIn(schemas, name);
    if (contradiction === undefined) return true;
    contradictions.push(contradiction);
    onWarning?.(
      `embedded engine: tool_choice any: ${contradiction.message}: ${name} is not offered`,
    );
    return false;
  });
  if (fitting.length > 0) return fitting;
  const reasons = contradictions.map((contradiction) => contradiction.message).join('; ');
  throw new ApiError('invalid_request_error', `tool_choice any: no tool can be called: ${reasons}`);
}

/** Why no value fits the tool's input schema (a 400), or undefined when some value does. */
function contradictionIn(schemas: ToolSchemas, name: string): ApiError | undefined {
  try {
    toGrammarSchema(schemas.get(name) ?? {}, { at: `tools[${name}].input_schema` });
    return undefined;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}
