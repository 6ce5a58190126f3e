import type {
  RequestContentBlock,
  RequestMessage,
  RequestSystemContentBlock,
  RequestSystemMessage,
  RequestToolAdditionBlock,
  RequestToolRemovalBlock,
} from '../protocol/messages-request-schema.js';
import { ApiError } from '../protocol/api-error.js';
import {
  joinTexts,
  textPart,
  toUserContent,
  type AssistantChatMessage,
  type ChatMessage,
  type UserContentPart,
} from './chat-message.js';
import { checkToolPairing } from './check-tool-pairing.js';
import { convertAssistantMessage } from './convert-assistant-message.js';
import { convertContentBlock } from './convert-content-block.js';
import { convertToolResult } from './convert-tool-result.js';
import { isServerToolHistoryBlock, serverToolHistoryText } from './server-tool-history.js';

/**
 * Anthropic messages (with the already-converted system prompt) as OpenAI chat messages.
 *
 * - tool_result blocks become `tool` messages placed right after the assistant's tool calls,
 *   in the order of the calls (a client sends results as its tools finish, and many chat
 *   templates, Qwen's and Llama 3's among them, drop `tool_call_id` and pair results with calls
 *   by position), before the user's own content of the same message.
 * - `role: "system"` messages mid-conversation (Claude Code sends them) are kept as user text:
 *   many open-model chat templates reject a system message that is not first. Before any turn
 *   they join the system prompt; after a user turn they join it; after an assistant turn they
 *   open the next user turn (after its tool results). Their tool changes read as a line each
 *   (the tools themselves are in the upstream's list, see toolChanges). One with
 *   `clear_at: "next_user_message"` is shown only until a user turn follows it; one with
 *   nothing to show (a per-turn effort) adds nothing.
 * - consecutive user turns, and consecutive assistant turns, are merged, as Anthropic does;
 *   strict templates require alternating roles.
 * - tool calls and results must pair up as Anthropic requires (`checkToolPairing`).
 */
export function convertMessages(
  messages: readonly RequestMessage[],
  systemPrompt: string | undefined,
): ChatMessage[] {
  checkToolPairing(messages);
  const builder = new ChatMessageList(systemPrompt);
  const lastUser = messages.findLastIndex((message) => message.role === 'user');
  messages.forEach((message, i) => {
    const path = `messages.${i}`;
    switch (message.role) {
      case 'system': {
        const cleared = message.clear_at === 'next_user_message' && i < lastUser;
        const text = cleared ? '' : systemText(message.content);
        if (text !== '') builder.addSystemText(text);
        return;
      }
      case 'user':
        builder.addUser(message.content, path);
        return;
      case 'assistant':
        // A compaction's summary stands where the turns it replaced stood, as context the
        // model is given (many chat templates refuse a conversation that opens with a reply).
        for (const summary of compactionSummaries(message.content)) builder.addUser(summary, path);
        if (!onlyCompactions(message.content))
          builder.addAssistant(convertAssistantMessage(message.content, path));
        return;
    }
  });
  return builder.finish();
}

class ChatMessageList {
  private readonly messages: ChatMessage[] = [];
  private readonly systemTexts: string[] = [];
  /** Mid-conversation system text waiting for the next user turn. */
  private pending: UserContentPart[] = [];
  private calls: { of: ChatMessage | undefined; ids: readonly string[] } | undefined;

  constructor(systemPrompt: string | undefined) {
    if (systemPrompt !== undefined) this.systemTexts.push(systemPrompt);
  }

  addSystemText(text: string): void {
    const last = this.messages.at(-1);
    if (last === undefined) this.systemTexts.push(text);
    else if (last.role === 'user') appendToUser(last, [textPart(text)]);
    else this.pending.push(textPart(text));
  }

  addUser(content: string | readonly RequestContentBlock[], path: string): void {
    if (typeof content === 'string') return this.pushUser([textPart(content)]);
    const images: UserContentPart[] = [];
    const parts: UserContentPart[] = [];
    content.forEach((block, i) => {
      const blockPath = `${path}.content.${i}`;
      if (block.type !== 'tool_result') {
        parts.push(...convertUserBlock(block, blockPath));
        return;
      }
      const result = convertToolResult(block, blockPath);
      this.addToolMessage(result.message);
      images.push(...result.images);
    });
    this.pushUser([...images, ...parts]);
  }

  /** After the results already placed for calls made before its own (an insertion sort). */
  private addToolMessage(message: ToolChatMessage): void {
    const messages = this.messages;
    let at = messages.length;
    if (messages[at - 1]?.role !== 'tool') {
      messages.push(message); // the turn's first result: nothing to order it against
      return;
    }
    let call = at - 1;
    while (call >= 0 && messages[call]?.role === 'tool') call--;
    const calls = this.callIdsOf(messages[call]);
    const rank = calls.indexOf(message.tool_call_id);
    while (
      at > call + 1 &&
      calls.indexOf((messages[at - 1] as ToolChatMessage).tool_call_id) > rank
    )
      at--;
    messages.splice(at, 0, message);
  }

  /** The ids of an assistant message's calls, kept for the results of its turn. */
  private callIdsOf(message: ChatMessage | undefined): readonly string[] {
    let calls = this.calls;
    if (calls === undefined || calls.of !== message) {
      const ids = message?.role === 'assistant' ? (message.tool_calls ?? []).map((c) => c.id) : [];
      calls = { of: message, ids };
      this.calls = calls;
    }
    return calls.ids;
  }

  addAssistant(message: AssistantChatMessage): void {
    const last = this.messages.at(-1);
    // Merged first: system text between the two waits for the next user turn, after the
    // results of the calls, as it does after a single assistant turn.
    if (last?.role === 'assistant') return mergeAssistant(last, message);
    this.flushPending();
    this.messages.push(message);
  }

  finish(): ChatMessage[] {
    this.flushPending();
    const system = this.systemTexts.length === 0 ? [] : [systemMessage(this.systemTexts)];
    return [...system, ...this.messages];
  }

  private pushUser(parts: UserContentPart[]): void {
    const all = [...this.pending, ...parts];
    this.pending = [];
    if (all.length === 0) return;
    const last = this.messages.at(-1);
    if (last?.role === 'user') appendToUser(last, all);
    else this.messages.push({ role: 'user', content: toUserContent(all) });
  }

  private flushPending(): void {
    if (this.pending.length > 0) this.pushUser([]);
  }
}

type ToolChatMessage = Extract<ChatMessage, { role: 'tool' }>;

/** Heads a compaction's summary, so the model reads it as what came before. */
const compactionSummaryTitle = 'Summary of the conversation so far:';

function compactionSummaries(content: string | readonly RequestContentBlock[]): string[] {
  if (typeof content === 'string') return [];
  return content.flatMap((block) =>
    block.type === 'compaction' && block.content != null
      ? [`${compactionSummaryTitle}\n\n${block.content}`]
      : [],
  );
}

function onlyCompactions(content: string | readonly RequestContentBlock[]): boolean {
  return typeof content !== 'string' && content.every((block) => block.type === 'compaction');
}

function convertUserBlock(block: RequestContentBlock, path: string): UserContentPart[] {
  if (isServerToolHistoryBlock(block)) {
    // Anthropic's server tools run within an assistant turn; only a file upload is the user's.
    if (block.type === 'container_upload') return [textPart(serverToolHistoryText(block))];
    throw onlyInAssistantMessages(block.type, path);
  }
  switch (block.type) {
    case 'text':
    case 'image':
    case 'document':
    case 'search_result':
      return convertContentBlock(block, path);
    case 'tool_result':
      return []; // handled by the caller: tool results become `tool` messages
    case 'tool_use':
    case 'thinking':
    case 'redacted_thinking':
    case 'compaction':
      throw onlyInAssistantMessages(block.type, path);
  }
}

function onlyInAssistantMessages(type: string, path: string): ApiError {
  return new ApiError(
    'invalid_request_error',
    `${path}.type: '${type}' blocks are only allowed in assistant messages`,
  );
}

/**
 * Anthropic combines consecutive assistant turns into one; sent as two, strict templates reject
 * them, and a tool call would no longer be followed by its result.
 */
function mergeAssistant(into: AssistantChatMessage, next: AssistantChatMessage): void {
  const texts = [into.content, next.content].filter(
    (text): text is string => typeof text === 'string' && text !== '',
  );
  into.content = joinTexts(texts);
  const reasoning = [into.reasoning_content, next.reasoning_content].filter(
    (text): text is string => text !== undefined,
  );
  if (reasoning.length > 0) into.reasoning_content = joinTexts(reasoning);
  const calls = [...(into.tool_calls ?? []), ...(next.tool_calls ?? [])];
  if (calls.length > 0) into.tool_calls = calls;
}

function appendToUser(message: ChatMessage & { role: 'user' }, parts: UserContentPart[]): void {
  const existing =
    typeof message.content === 'string' ? [textPart(message.content)] : message.content;
  message.content = toUserContent([...existing, ...parts]);
}

function systemText(content: RequestSystemMessage['content']): string {
  if (content === undefined || typeof content === 'string') return content ?? '';
  return joinTexts(content.map(systemBlockText));
}

function systemBlockText(block: RequestSystemContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'tool_addition':
      return `Tool added: ${changedToolName(block.tool)}`;
    case 'tool_removal':
      return `Tool removed: ${changedToolName(block.tool)}`;
  }
}

function changedToolName(
  tool: RequestToolAdditionBlock['tool'] | RequestToolRemovalBlock['tool'],
): string {
  switch (tool.type) {
    case 'tool_reference':
      return tool.name;
    case 'tool_definition':
      return tool.definition.name;
    case 'mcp_tool_reference':
      return `${tool.server_name}/${tool.name}`;
    case 'mcp_toolset_reference':
      return `${tool.server_name}/*`;
  }
}

function systemMessage(texts: readonly string[]): ChatMessage {
  return { role: 'system', content: joinTexts(texts) };
}
