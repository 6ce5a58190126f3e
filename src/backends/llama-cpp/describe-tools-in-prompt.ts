import type { ChatRequest } from '../../model/model-request.js';
import {
  joinTexts,
  textPart,
  type AssistantChatMessage,
  type ChatMessage,
  type UserContentPart,
} from '../../translate/chat-message.js';

/** Whether a chat template renders the `tools` it is given (most tool-capable templates do). */
export function templateRendersTools(source: string): boolean {
  return /\btools\b/.test(source);
}

/** The call format `describeToolsInPrompt` asks for: Hermes', which the `hermes` parser reads. */
export const describedToolCallFormat = 'hermes';

/**
 * A request as a chat template that cannot render tools can take it (Gemma's, and many
 * templates of models without native tool calling; llama.cpp's server falls back the same
 * way). The tools are described after the system prompt with the format to call them in;
 * past calls become assistant text in that format and tool results user text, so a template
 * that only knows user and assistant turns renders the whole conversation. Deterministic, so a
 * conversation's prompt stays byte-stable from turn to turn and its prefix cache hits.
 */
export function describeToolsInPrompt(chat: ChatRequest): ChatRequest {
  const tools = chat.tools ?? [];
  const messages: ChatMessage[] = [];
  for (const message of chat.messages) {
    if (message.role === 'assistant') messages.push(callsAsText(message));
    else if (message.role === 'tool') appendToUser(messages, [textPart(toolResponse(message))]);
    else if (message.role === 'user') appendToUser(messages, partsOf(message.content));
    else messages.push(message);
  }
  if (tools.length > 0) addToSystem(messages, toolsSection(tools));
  const { tools: _tools, ...rest } = chat;
  return { ...rest, messages };
}

function toolsSection(tools: NonNullable<ChatRequest['tools']>): string {
  const definitions = tools.map((tool) => JSON.stringify(tool)).join('\n');
  return [
    '# Tools',
    '',
    'You can call these tools. Their definitions, one JSON object per line:',
    '<tools>',
    definitions,
    '</tools>',
    '',
    'To call a tool, write a block like this for each call, holding a JSON object with the',
    "tool's name and its arguments:",
    '<tool_call>',
    '{"name": "<tool name>", "arguments": {<the arguments as JSON>}}',
    '</tool_call>',
  ].join('\n');
}

function callsAsText(message: AssistantChatMessage): AssistantChatMessage {
  const calls = message.tool_calls ?? [];
  if (calls.length === 0) return message;
  const { tool_calls: _calls, ...rest } = message;
  const blocks = calls.flatMap((call) =>
    call.type === 'function'
      ? [
          `<tool_call>\n{"name": ${JSON.stringify(call.function.name)}, "arguments": ${call.function.arguments}}\n</tool_call>`,
        ]
      : [],
  );
  const text = textOf(message.content);
  return { ...rest, content: [text, ...blocks].filter((part) => part !== '').join('\n') };
}

function toolResponse(message: ChatMessage & { role: 'tool' }): string {
  return `<tool_response>\n${textOf(message.content)}\n</tool_response>`;
}

/**
 * Tool results and the user's own content after them are one user turn, as templates want.
 * The turn is a copy: the request's own messages are not changed.
 */
function appendToUser(messages: ChatMessage[], parts: UserContentPart[]): void {
  const last = messages.at(-1);
  if (last?.role === 'user') last.content = [...partsOf(last.content), ...parts];
  else messages.push({ role: 'user', content: parts });
}

function partsOf(content: string | readonly UserContentPart[]): UserContentPart[] {
  return typeof content === 'string' ? [textPart(content)] : [...content];
}

function addToSystem(messages: ChatMessage[], section: string): void {
  const first = messages[0];
  if (first?.role === 'system')
    messages[0] = { role: 'system', content: `${textOf(first.content)}\n\n${section}` };
  else messages.unshift({ role: 'system', content: section });
}

function textOf(content: unknown): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return joinTexts(
    (content as { type: string; text?: string }[]).map((part) =>
      part.type === 'text' ? (part.text ?? '') : '',
    ),
  );
}
