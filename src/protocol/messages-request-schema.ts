import { z } from 'zod';
import { checkRequestRules } from './check-request-rules.js';

/**
 * The edge schema of POST /v1/messages: strict about every field Ferry reads, silent about the
 * rest. Unknown fields (cache_control, service_tier, container, ...) are
 * stripped, not rejected, because Anthropic clients send fields that mean nothing here.
 * Tool input schemas are kept as opaque records: they pass through without deep validation.
 */
const textBlock = z.object({ type: z.literal('text'), text: z.string() });

const base64Source = z.object({
  type: z.literal('base64'),
  media_type: z.string(),
  data: z.string(),
});
const urlSource = z.object({ type: z.literal('url'), url: z.string() });
const fileSource = z.object({ type: z.literal('file'), file_id: z.string() });

const imageBlock = z.object({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    // The image formats Anthropic takes; anything else is its 400, not an engine's.
    base64Source.extend({
      media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
    }),
    urlSource,
    fileSource,
  ]),
});

const plainTextSource = z.object({
  type: z.literal('text'),
  media_type: z.string().optional(),
  data: z.string(),
});
const contentSource = z.object({
  type: z.literal('content'),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock]))]),
});

const documentBlock = z.object({
  type: z.literal('document'),
  source: z.discriminatedUnion('type', [
    base64Source,
    plainTextSource,
    contentSource,
    urlSource,
    fileSource,
  ]),
  title: z.string().nullish(),
  context: z.string().nullish(),
});

const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
});

const searchResultBlock = z.object({
  type: z.literal('search_result'),
  source: z.string(),
  title: z.string(),
  content: z.array(textBlock),
});

/** Tool search: a client's search tool answers with the deferred tools it loads. */
const toolReferenceBlock = z.object({
  type: z.literal('tool_reference'),
  tool_name: z.string().min(1),
});

const toolResultContentBlock = z.discriminatedUnion('type', [
  textBlock,
  imageBlock,
  documentBlock,
  searchResultBlock,
  toolReferenceBlock,
]);

const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(toolResultContentBlock)]).optional(),
  is_error: z.boolean().optional(),
});

const thinkingBlock = z.object({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string().optional(),
});
const redactedThinkingBlock = z.object({ type: z.literal('redacted_thinking'), data: z.string() });

/**
 * A conversation compacted earlier (see `compaction`): its summary, sent back first in place of
 * the messages it summarizes; `content` null is a compaction that failed (nothing to show).
 */
const compactionBlock = z.object({
  type: z.literal('compaction'),
  content: z.string().nullish(),
  encrypted_content: z.string().nullish(),
  signature: z.string().nullish(),
  // The tool changes of the summarized turns (defined below with the system message blocks).
  tool_changes: z
    .array(z.lazy(() => z.discriminatedUnion('type', [toolAdditionBlock, toolRemovalBlock])))
    .nullish(),
});

/**
 * History of Anthropic-hosted tools (web search, web fetch, code execution, tool search, the
 * advisor) and of its MCP connector, from a conversation that ran on Anthropic's API. Nothing
 * here runs them; what they did is shown to the model as text (see serverToolHistoryText), so
 * their results are read loosely.
 */
const serverToolUseBlock = z.object({
  type: z.literal('server_tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
});
const serverToolResult = <T extends string>(type: T) =>
  z.object({ type: z.literal(type), tool_use_id: z.string(), content: z.unknown() });
const mcpToolUseBlock = z.object({
  type: z.literal('mcp_tool_use'),
  id: z.string(),
  name: z.string(),
  server_name: z.string(),
  input: z.unknown(),
});
const mcpToolResultBlock = z.object({
  type: z.literal('mcp_tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(textBlock)]).optional(),
  is_error: z.boolean().optional(),
});
const mcpToolListingBlock = z.object({
  type: z.literal('mcp_tool_listing'),
  mcp_server_name: z.string(),
  tools: z.array(z.object({ name: z.string() })),
});
/** A file put in the code execution container (a user block). */
const containerUploadBlock = z.object({ type: z.literal('container_upload'), file_id: z.string() });
/** Anthropic's note that another model answered from there on: nothing for the model. */
const fallbackBlock = z.object({ type: z.literal('fallback') });
const serverToolHistoryBlocks = [
  serverToolUseBlock,
  serverToolResult('web_search_tool_result'),
  serverToolResult('web_fetch_tool_result'),
  serverToolResult('code_execution_tool_result'),
  serverToolResult('bash_code_execution_tool_result'),
  serverToolResult('text_editor_code_execution_tool_result'),
  serverToolResult('tool_search_tool_result'),
  serverToolResult('advisor_tool_result'),
  mcpToolUseBlock,
  mcpToolResultBlock,
  mcpToolListingBlock,
  containerUploadBlock,
  fallbackBlock,
] as const;
/** The `type`s of those blocks. */
export const serverToolHistoryBlockTypes: ReadonlySet<string> = new Set(
  serverToolHistoryBlocks.map((block) => block.shape.type.value),
);

const contentBlock = z.discriminatedUnion('type', [
  textBlock,
  imageBlock,
  documentBlock,
  searchResultBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
  compactionBlock,
  ...serverToolHistoryBlocks,
]);

const customTool = z.object({
  type: z.literal('custom').optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
  defer_loading: z.boolean().optional(),
});
/** Anthropic-hosted and versioned tools (web_search_20250305, bash_20250124, ...). */
const typedTool = z.object({ type: z.string(), name: z.string() });
/** MCP connector toolsets, named by their server: parsed only to be refused by name. */
const mcpToolsetTool = z
  .object({ type: z.literal('mcp_toolset'), mcp_server_name: z.string() })
  .transform(({ type, mcp_server_name }) => ({ type, name: mcp_server_name }));
const tool = z.union([customTool, typedTool, mcpToolsetTool]);

const effort = z.enum(['low', 'medium', 'high', 'xhigh', 'max']);

// Mid-conversation tool changes (beta mid-conversation-tool-changes-2026-07-01): a tool named
// by reference, or defined by value (beta inline-tools-2026-09-15). MCP references parse, so
// that they can be refused by name (see toolChanges).
const toolByName = z.object({ type: z.literal('tool_reference'), name: z.string().min(1) });
const mcpToolByName = z.object({
  type: z.literal('mcp_tool_reference'),
  name: z.string(),
  server_name: z.string(),
});
const mcpToolset = z.object({ type: z.literal('mcp_toolset_reference'), server_name: z.string() });
const toolDefinition = z.object({ type: z.literal('tool_definition'), definition: tool });
const toolAdditionBlock = z.object({
  type: z.literal('tool_addition'),
  tool: z.discriminatedUnion('type', [toolByName, mcpToolByName, mcpToolset, toolDefinition]),
});
const toolRemovalBlock = z.object({
  type: z.literal('tool_removal'),
  tool: z.discriminatedUnion('type', [toolByName, mcpToolByName, mcpToolset]),
});

const systemContentBlock = z.discriminatedUnion('type', [
  textBlock,
  toolAdditionBlock,
  toolRemovalBlock,
]);

const conversationContent = z.union([z.string(), z.array(contentBlock)]);
// Only allowed on system messages; declared here so that checkRequestRules can say so.
const misplacedClearAt = z.unknown().optional();

const message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: conversationContent, clear_at: misplacedClearAt }),
  z.object({
    role: z.literal('assistant'),
    content: conversationContent,
    clear_at: misplacedClearAt,
  }),
  // Mid-conversation system messages (Claude Code sends them): instructions, tool changes, and
  // a per-turn effort in `output_config`; `clear_at` limits how long the text is shown.
  z.object({
    role: z.literal('system'),
    content: z.union([z.string(), z.array(systemContentBlock)]).optional(),
    clear_at: z.enum(['next_user_message', 'never']).nullish(),
    output_config: z.object({ effort: effort.nullish() }).nullish(),
  }),
]);

const disableParallel = { disable_parallel_tool_use: z.boolean().optional() };
const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), ...disableParallel }),
  z.object({ type: z.literal('any'), ...disableParallel }),
  z.object({ type: z.literal('tool'), name: z.string(), ...disableParallel }),
  z.object({ type: z.literal('none') }),
]);

// `summarized` and `omitted` are documented; Claude Code 2.1.328 sends `updates` (beta
// thinking-display-updates-2026-08-18) and, on a 400, retries twice before dropping it. Only
// `omitted` changes what Ferry sends, so any other mode is accepted and shows the thinking.
const thinkingDisplay = z.string().nullish();
const thinking = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('enabled'),
    budget_tokens: z.number().int().min(1024), // Anthropic's documented floor
    display: thinkingDisplay,
  }),
  z.object({ type: z.literal('disabled') }),
  z.object({ type: z.literal('adaptive'), display: thinkingDisplay }),
  z.object({ type: z.literal('between_tools') }),
]);

const outputFormat = z.object({
  type: z.literal('json_schema'),
  schema: z.record(z.string(), z.unknown()),
});
const outputConfig = z.object({
  effort: effort.nullish(),
  format: outputFormat.nullish(),
});

// The MCP connector has Anthropic's servers call MCP servers for the model; nothing here can.
// An empty list asks for nothing and passes.
const mcpServers = z
  .array(z.unknown())
  .max(
    0,
    'the MCP connector is not available with self-hosted models; connect MCP servers in the client instead (Claude Code: `claude mcp add`)',
  );

// Message threads: the server holds the conversation between turns (see MessageThreads).
const thread = z.discriminatedUnion('type', [
  z.object({ type: z.literal('create') }),
  z.object({ type: z.literal('continue'), previous_message_id: z.string().min(1) }),
]);

const requestFields = z.object({
  model: z.string().min(1),
  /** 0: read the prompt into the engine's prefix cache and generate nothing (cache warming). */
  max_tokens: z.number().int().min(0),
  // At least one, except on a thread's continue (see checkRequestRules).
  messages: z.array(message),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  metadata: z.object({ user_id: z.string().nullish() }).optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  thinking: thinking.optional(),
  output_config: outputConfig.optional(),
  /** Structured outputs' first (beta) name for `output_config.format`; still sent by clients. */
  output_format: outputFormat.nullish(),
  mcp_servers: mcpServers.optional(),
  thread: thread.nullish(),
  /** A compaction request: the reply is a summary of the conversation (see compactionRequest). */
  compaction: z
    .object({ type: z.literal('summarize'), instructions: z.string().nullish() })
    .nullish(),
  // Read only to refuse it beside `compaction`; Ferry applies no context edits.
  context_management: z.unknown().optional(),
  /**
   * Server-side checks a client asks for (Claude Code's auto mode sends `dangerous_tool_use`);
   * read only to say, once, that Ferry runs none.
   */
  safeguards: z.array(z.unknown()).nullish(),
});

export const messagesRequestSchema = requestFields.superRefine(checkRequestRules);

/**
 * count_tokens takes the same request without generation settings; it takes `compaction` and
 * ignores it, counting the conversation as sent.
 */
export const countTokensRequestSchema = requestFields
  .omit({ max_tokens: true, thread: true, compaction: true })
  .extend({ max_tokens: z.number().int().min(0).optional() })
  .superRefine(checkRequestRules);

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;
export type RequestMessage = MessagesRequest['messages'][number];
export type RequestContentBlock = z.infer<typeof contentBlock>;
export type RequestTextBlock = z.infer<typeof textBlock>;
export type RequestImageBlock = z.infer<typeof imageBlock>;
export type RequestDocumentBlock = z.infer<typeof documentBlock>;
export type RequestSearchResultBlock = z.infer<typeof searchResultBlock>;
export type RequestToolResultBlock = z.infer<typeof toolResultBlock>;
export type RequestToolReferenceBlock = z.infer<typeof toolReferenceBlock>;
export type RequestToolUseBlock = z.infer<typeof toolUseBlock>;
export type RequestCompactionBlock = z.infer<typeof compactionBlock>;
export type RequestServerToolHistoryBlock = z.infer<(typeof serverToolHistoryBlocks)[number]>;
export type RequestSystemMessage = Extract<RequestMessage, { role: 'system' }>;
export type RequestSystemContentBlock = z.infer<typeof systemContentBlock>;
export type RequestToolAdditionBlock = z.infer<typeof toolAdditionBlock>;
export type RequestToolRemovalBlock = z.infer<typeof toolRemovalBlock>;
export type RequestEffort = z.infer<typeof effort>;
export type RequestTool = NonNullable<MessagesRequest['tools']>[number];
export type RequestCustomTool = z.infer<typeof customTool>;
export type RequestToolChoice = z.infer<typeof toolChoice>;
export type RequestThinking = z.infer<typeof thinking>;
