import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionContentPartText,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';

/**
 * An OpenAI chat message as Ferry sends it. Assistant turns may carry `reasoning_content`, the
 * field vLLM, SGLang and llama-server read back into chat templates (Qwen3, DeepSeek, GLM).
 */
export type ChatMessage =
  | Exclude<ChatCompletionMessageParam, ChatCompletionAssistantMessageParam>
  | (ChatCompletionAssistantMessageParam & { reasoning_content?: string });

export type AssistantChatMessage = Extract<ChatMessage, { role: 'assistant' }>;

export type UserContentPart = ChatCompletionContentPart;

/**
 * Text-only content goes upstream as one string: engines join text parts differently (vLLM with
 * "\n", others with nothing), so Ferry decides the joining itself and the prompt is the same on
 * every engine. Content with images stays a part list.
 */
export function toUserContent(parts: readonly UserContentPart[]): string | UserContentPart[] {
  if (parts.every(isTextPart)) return joinTexts(parts.map((part) => part.text));
  return [...parts];
}

/** Texts joined with a blank line; an empty one adds nothing (no stray blank lines). */
export function joinTexts(texts: readonly string[]): string {
  let joined = '';
  for (const text of texts) {
    if (text === '') continue;
    joined = joined === '' ? text : `${joined}\n\n${text}`;
  }
  return joined;
}

export function isTextPart(part: UserContentPart): part is ChatCompletionContentPartText {
  return part.type === 'text';
}

export function textPart(text: string): ChatCompletionContentPartText {
  return { type: 'text', text };
}
