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
  /**
   * Told about text that looked like a tool call but could not be parsed (it is passed on as
   * text, verbatim). The server logs it; parsers never throw for bad model output.
   */
  onWarning?: (message: string) => void;
  /**
   * Whether the rendered prompt already opened the reasoning block (the chat template ended the
   * generation prompt with `<think>`), so the reply starts inside reasoning. Left out, each
   * reasoning format uses its model family's default; pass `false` when the request switched
   * thinking off (`enable_thinking: false`).
   */
  promptOpensReasoning?: boolean;
  /**
   * The client is shown no reasoning (the request did not enable thinking). A reasoning block
   * is then held until it closes; one the model never closes was the reply after all (a model
   * whose template did not open the block for it), and is passed on as text instead of lost.
   */
  hidesReasoning?: boolean;
  /**
   * The request switched thinking on in the chat template (`enable_thinking` / `thinking`
   * true). Families that think only when asked (DeepSeek V3.1) read reasoning only then.
   */
  thinkingRequested?: boolean;
}

export type TextParserFactory = (options: TextParserOptions) => TextParser;
