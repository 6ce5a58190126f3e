import type { ChatCompletionContentPartImage } from 'openai/resources/chat/completions';
import type {
  RequestDocumentBlock,
  RequestImageBlock,
  RequestSearchResultBlock,
  RequestTextBlock,
} from '../protocol/messages-request-schema.js';
import { ApiError } from '../protocol/api-error.js';
import { textPart, type UserContentPart } from './chat-message.js';

/** The blocks a user turn and a tool result share. */
export type RequestContentPartBlock =
  RequestTextBlock | RequestImageBlock | RequestDocumentBlock | RequestSearchResultBlock;

/** A content block of a user turn or a tool result as OpenAI content parts. */
export function convertContentBlock(
  block: RequestContentPartBlock,
  path: string,
): UserContentPart[] {
  switch (block.type) {
    case 'text':
      return [textPart(block.text)];
    case 'image':
      return [convertImageBlock(block, path)];
    case 'document':
      return convertDocumentBlock(block, path);
    case 'search_result':
      return [convertSearchResultBlock(block)];
  }
}

/** An Anthropic image block as an OpenAI image part (base64 becomes a data URL). */
export function convertImageBlock(
  block: RequestImageBlock,
  path: string,
): ChatCompletionContentPartImage {
  const source = block.source;
  switch (source.type) {
    case 'base64':
      return imagePart(`data:${source.media_type};base64,${source.data}`);
    case 'url':
      return imagePart(source.url);
    case 'file':
      throw filesApiError(path);
  }
}

/**
 * Text documents go inline (titled, so the model can tell them apart); content documents become
 * their text and image parts. PDFs need a document-capable engine, which OpenAI-compatible
 * chat endpoints are not: a clear 400 instead of a model answering about nothing.
 */
export function convertDocumentBlock(block: RequestDocumentBlock, path: string): UserContentPart[] {
  const source = block.source;
  switch (source.type) {
    case 'text':
      return [textPart(titled(block, source.data))];
    case 'content':
      return convertDocumentContent(block, source.content, path);
    case 'base64':
    case 'url':
      throw new ApiError(
        'invalid_request_error',
        // Claude Code recognises "does not support PDF input": it then drops the PDF and retries.
        `${path}.source: this model does not support PDF input; send the text as a text document or text block`,
      );
    case 'file':
      throw filesApiError(path);
  }
}

function convertDocumentContent(
  block: RequestDocumentBlock,
  content: string | ReadonlyArray<{ type: 'text'; text: string } | RequestImageBlock>,
  path: string,
): UserContentPart[] {
  if (typeof content === 'string') return [textPart(titled(block, content))];
  return content.map((item, i) =>
    item.type === 'text'
      ? textPart(item.text)
      : convertImageBlock(item, `${path}.source.content.${i}`),
  );
}

function titled(block: RequestDocumentBlock, text: string): string {
  const header = [block.title, block.context].filter((line) => line != null && line !== '');
  return header.length === 0 ? text : `${header.join('\n')}\n\n${text}`;
}

function imagePart(url: string): ChatCompletionContentPartImage {
  return { type: 'image_url', image_url: { url } };
}

function filesApiError(path: string): ApiError {
  return new ApiError(
    'invalid_request_error',
    `${path}.source: file references (Files API) are not supported; send the content inline`,
  );
}

/**
 * A search result (RAG content a client supplies, with its source for citations) as text the
 * model can read: title and source first, as documents are titled.
 */
export function convertSearchResultBlock(block: RequestSearchResultBlock): UserContentPart {
  const body = block.content.map((item) => item.text).join('\n\n');
  return textPart(`${block.title}\nSource: ${block.source}\n\n${body}`);
}
