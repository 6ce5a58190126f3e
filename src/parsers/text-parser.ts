import type { ToolSchemas } from '../model/model-request.js';
import type { ModelStreamPart } from '../model/model-stream-part.js';

/**
 * An incremental parser of raw model text (tool calls, reasoning). Pure: `push` takes the next
 * piece of text, `finish` flushes what is held back. Both return parts in order.
 * Output parts are `text-delta`, `reasoning-delta` and `tool-call-start/-delta/-end`.
 */
export interface TextParser {
  push(text: string): ModelStreamPart[];
  finish(): ModelStreamPart[];
}

export interface TextParserOptions {
  /** Tool input schemas by name, for formats that send parameters as strings. */
  toolSchemas: ToolSchemas;
}

export type TextParserFactory = (options: TextParserOptions) => TextParser;
