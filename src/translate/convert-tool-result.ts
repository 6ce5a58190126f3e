import type { ChatCompletionToolMessageParam } from 'openai/resources/chat/completions';
import type { RequestToolResultBlock } from '../protocol/messages-request-schema.js';
import { joinTexts, type UserContentPart } from './chat-message.js';
import { convertContentBlock } from './convert-content-block.js';

export interface ConvertedToolResult {
  message: ChatCompletionToolMessageParam;
  /** Images from the result: tool messages carry only text, so they follow as user content. */
  images: UserContentPart[];
}

/** Prefix that tells the model a tool failed (`is_error: true`). */
export const toolErrorPrefix = 'Error: ';

export function convertToolResult(
  block: RequestToolResultBlock,
  path: string,
): ConvertedToolResult {
  const { text, images } = splitResultContent(block.content, path);
  // A client that wrote its own "Error: …" (the SDK's tool runner does) is not told twice.
  const content =
    block.is_error === true && !/^error\b/i.test(text) ? `${toolErrorPrefix}${text}` : text;
  return { message: { role: 'tool', tool_call_id: block.tool_use_id, content }, images };
}

/**
 * A `tool_reference` (tool search) as the model reads it: the tool itself joins the request's
 * tools (see toolChanges), so the result only says it is there now.
 */
export function loadedToolText(name: string): string {
  return `Tool loaded: ${name}`;
}

function splitResultContent(
  content: RequestToolResultBlock['content'],
  path: string,
): { text: string; images: UserContentPart[] } {
  if (content === undefined) return { text: '', images: [] };
  if (typeof content === 'string') return { text: content, images: [] };
  const texts: string[] = [];
  const images: UserContentPart[] = [];
  content.forEach((item, i) => {
    if (item.type === 'tool_reference') {
      texts.push(loadedToolText(item.tool_name));
      return;
    }
    const itemPath = `${path}.content.${i}`;
    for (const part of convertContentBlock(item, itemPath)) {
      if (part.type === 'text') texts.push(part.text);
      else images.push(part);
    }
  });
  return { text: joinTexts(texts), images };
}
