import type { ModelStreamPart } from '../model/model-stream-part.js';
import { TextPartsParser, type TextParserSelection } from './apply-text-parsers.js';
import type { TextParserOptions } from './text-parser.js';

export interface ParseTextPartsOptions extends TextParserOptions {
  parsers: TextParserSelection;
}

/** A backend's part stream with its raw text parsed into reasoning and tool calls. */
export async function* parseTextParts(
  parts: AsyncIterable<ModelStreamPart>,
  options: ParseTextPartsOptions,
): AsyncIterable<ModelStreamPart> {
  const { parsers, ...parserOptions } = options;
  const parser = new TextPartsParser(parsers, parserOptions);
  for await (const part of parts) yield* parser.push(part);
  yield* parser.finish();
}
