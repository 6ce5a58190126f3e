import {
  serverToolHistoryBlockTypes,
  type RequestContentBlock,
  type RequestServerToolHistoryBlock,
} from '../protocol/messages-request-schema.js';
import { isPlainObject } from '../util/is-plain-object.js';
import { joinTexts } from './chat-message.js';

export function isServerToolHistoryBlock(
  block: RequestContentBlock,
): block is RequestServerToolHistoryBlock {
  return serverToolHistoryBlockTypes.has(block.type);
}

/**
 * What a tool Anthropic's servers ran (web search, web fetch, code execution, tool search, the
 * advisor, an MCP server's tool) did in a turn of a conversation that began on Anthropic's API,
 * as text the model reads in that turn. Ferry cannot run those tools, but the conversation may
 * go on: the call and its result are kept, in words, where they stood. Encrypted parts (search
 * result pages, redacted advice) are Anthropic's and unreadable, so they are left out.
 * '' when there is nothing to show.
 */
export function serverToolHistoryText(block: RequestServerToolHistoryBlock): string {
  switch (block.type) {
    case 'server_tool_use':
      return `[${block.name} call: ${JSON.stringify(block.input ?? {})}]`;
    case 'mcp_tool_use':
      return `[${block.name} call (MCP server ${block.server_name}): ${JSON.stringify(block.input ?? {})}]`;
    case 'mcp_tool_result': {
      const text =
        typeof block.content === 'string'
          ? block.content
          : joinTexts((block.content ?? []).map((part) => part.text));
      return `[${block.is_error === true ? 'MCP tool error' : 'MCP tool result'}]\n${text}`;
    }
    case 'mcp_tool_listing':
      return `[MCP server ${block.mcp_server_name} offers: ${block.tools.map((tool) => tool.name).join(', ')}]`;
    case 'container_upload':
      return `[File ${block.file_id} was put in the code execution container]`;
    case 'fallback':
      return '';
    case 'web_search_tool_result':
      return resultText('web search', block.content, webSearchText);
    case 'web_fetch_tool_result':
      return resultText('web fetch', block.content, webFetchText);
    case 'code_execution_tool_result':
    case 'bash_code_execution_tool_result':
      return resultText('code execution', block.content, executionText);
    case 'text_editor_code_execution_tool_result':
      return resultText('text editor', block.content, textEditorText);
    case 'tool_search_tool_result':
      return resultText('tool search', block.content, toolSearchText);
    case 'advisor_tool_result':
      return resultText('advisor', block.content, advisorText);
  }
}

type Read = (content: unknown) => string | undefined;

/** A result's own text, or its error code, or (for a shape not known here) its JSON. */
function resultText(tool: string, content: unknown, read: Read): string {
  if (isPlainObject(content) && typeof content.error_code === 'string') {
    const detail = str(content.error_message);
    return `[${tool} failed: ${content.error_code}${detail === undefined ? '' : `: ${detail}`}]`;
  }
  return `[${tool} result]\n${read(content) ?? JSON.stringify(content ?? null)}`;
}

const webSearchText: Read = (content) => {
  if (!Array.isArray(content)) return undefined;
  return content
    .filter(isPlainObject)
    .map((result, i) => `${i + 1}. ${str(result.title) ?? '(untitled)'}: ${str(result.url) ?? ''}`)
    .join('\n');
};

const webFetchText: Read = (content) => {
  if (!isPlainObject(content)) return undefined;
  const url = str(content.url) ?? '';
  const document = isPlainObject(content.content) ? content.content : {};
  const source = isPlainObject(document.source) ? document.source : {};
  const text =
    source.type === 'text'
      ? str(source.data)
      : source.type === 'content' && typeof source.content === 'string'
        ? source.content
        : undefined;
  return `${url}\n${text ?? '(the page is not text: it is not shown here)'}`;
};

const executionText: Read = (content) => {
  if (!isPlainObject(content)) return undefined;
  if (typeof content.encrypted_stdout === 'string')
    return `exit code ${String(content.return_code)}; its output is encrypted and not shown here`;
  const lines = [`exit code ${String(content.return_code)}`];
  for (const stream of ['stdout', 'stderr'] as const) {
    const output = str(content[stream]);
    if (output) lines.push(`${stream}:\n${output}`);
  }
  const files = Array.isArray(content.content) ? content.content.filter(isPlainObject) : [];
  if (files.length > 0)
    lines.push(`files: ${files.map((file) => str(file.file_id) ?? '?').join(', ')}`);
  return lines.join('\n');
};

const textEditorText: Read = (content) => {
  if (!isPlainObject(content)) return undefined;
  switch (content.type) {
    case 'text_editor_code_execution_view_result':
      return str(content.content);
    case 'text_editor_code_execution_create_result':
      return content.is_file_update === true ? 'the file was updated' : 'the file was created';
    case 'text_editor_code_execution_str_replace_result':
      return Array.isArray(content.lines)
        ? `replaced; the new lines:\n${content.lines.map(String).join('\n')}`
        : 'replaced';
    default:
      return undefined;
  }
};

const toolSearchText: Read = (content) => {
  if (!isPlainObject(content) || !Array.isArray(content.tool_references)) return undefined;
  const names = content.tool_references.filter(isPlainObject).map((ref) => str(ref.tool_name));
  return `tools found: ${names.filter((name) => name !== undefined).join(', ') || 'none'}`;
};

const advisorText: Read = (content) => {
  if (!isPlainObject(content)) return undefined;
  if (typeof content.encrypted_content === 'string') return '(the advice is encrypted)';
  return str(content.text);
};

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
