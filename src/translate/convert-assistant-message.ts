import type { ChatCompletionMessageFunctionToolCall } from 'openai/resources/chat/completions';
import type { RequestContentBlock } from '../protocol/messages-request-schema.js';
import { ApiError } from '../protocol/api-error.js';
import { decodeThinkingSignature } from '../protocol/thinking-signature.js';
import { joinTexts, type AssistantChatMessage } from './chat-message.js';
import { isServerToolHistoryBlock, serverToolHistoryText } from './server-tool-history.js';

/**
 * An assistant turn: text blocks → content, tool_use → tool_calls (arguments serialised once,
 * deterministically), thinking → `reasoning_content` (read from Ferry's signature when the
 * client had the text omitted), what tools on Anthropic's servers did → text in its place.
 * redacted_thinking is Anthropic-encrypted text no other model can read, so it has nothing to
 * contribute upstream.
 */
export function convertAssistantMessage(
  content: string | readonly RequestContentBlock[],
  path: string,
): AssistantChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  const texts: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ChatCompletionMessageFunctionToolCall[] = [];
  content.forEach((block, i) => {
    if (isServerToolHistoryBlock(block)) {
      const text = serverToolHistoryText(block);
      if (text !== '') texts.push(text);
      return;
    }
    switch (block.type) {
      case 'text':
        texts.push(block.text);
        return;
      case 'thinking':
        reasoning.push(thinkingText(block.thinking, block.signature));
        return;
      case 'redacted_thinking':
      case 'compaction': // read before the turn (see convertMessages)
        return;
      case 'tool_use':
        toolCalls.push(toToolCall(block.id, block.name, block.input));
        return;
      case 'image':
      case 'document':
      case 'search_result':
      case 'tool_result':
        throw new ApiError(
          'invalid_request_error',
          `${path}.content.${i}.type: '${block.type}' blocks are only allowed in user messages`,
        );
    }
  });
  return assistantMessage(joinTexts(texts), reasoning, toolCalls);
}

/** With `display: "omitted"` the text came back empty and Ferry's signature carries it. */
function thinkingText(thinking: string, signature: string | undefined): string {
  return thinking === '' ? (decodeThinkingSignature(signature) ?? '') : thinking;
}

function assistantMessage(
  text: string,
  reasoning: readonly string[],
  toolCalls: ChatCompletionMessageFunctionToolCall[],
): AssistantChatMessage {
  return {
    role: 'assistant',
    content: text,
    ...(reasoning.length === 0 ? {} : { reasoning_content: joinTexts(reasoning) }),
    ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
  };
}

function toToolCall(
  id: string,
  name: string,
  input: unknown,
): ChatCompletionMessageFunctionToolCall {
  return { id, type: 'function', function: { name, arguments: JSON.stringify(input) } };
}
