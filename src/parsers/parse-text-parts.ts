import type { ModelStreamBatch } from '../model/model-stream-part.js';
import { TextPartsParser, type TextParserSelection } from './apply-text-parsers.js';
import type { TextParserOptions } from './text-parser.js';

export interface ParseTextPartsOptions extends TextParserOptions {
  parsers: TextParserSelection;
}

/** A backend's batches with their raw text parsed into reasoning and tool calls. */
export async function* parseTextParts(
  batches: AsyncIterable<ModelStreamBatch>,
  options: ParseTextPartsOptions,
): AsyncIterable<ModelStreamBatch> {
  const { parsers, ...parserOptions } = options;
  const parser = new TextPartsParser(parsers, parserOptions);
  for await (const batch of batches) {
    // Text held back by a parser (a possible tag's start) can leave a batch empty.
    const parsed =
      batch.length === 1 ? parser.push(batch[0]!) : batch.flatMap((part) => parser.push(part));
    if (parsed.length > 0) yield parsed;
  }
  const rest = parser.finish();
  if (rest.length > 0) yield rest;
}
