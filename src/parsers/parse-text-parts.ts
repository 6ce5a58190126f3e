import type { ModelStreamBatch } from '../model/model-stream-part.js';
import { mapAsyncBatches } from '../util/map-async-batches.js';
import { TextPartsParser, type TextParserSelection } from './apply-text-parsers.js';
import type { TextParserOptions } from './text-parser.js';

export interface ParseTextPartsOptions extends TextParserOptions {
  parsers: TextParserSelection;
}

/**
 * A backend's batches with their raw text parsed into reasoning and tool calls. Text held back
 * by a parser (a possible tag's start) can leave a batch empty; it is then not passed on.
 */
export function parseTextParts(
  batches: AsyncIterable<ModelStreamBatch>,
  options: ParseTextPartsOptions,
): AsyncIterable<ModelStreamBatch> {
  const { parsers, ...parserOptions } = options;
  const parser = new TextPartsParser(parsers, parserOptions);
  return mapAsyncBatches(batches, (batch) => batch.flatMap((part) => parser.push(part)), {
    finish: () => parser.finish(),
  });
}
