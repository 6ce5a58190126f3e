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
  // By hand, not `for await`, so no batch stays referenced while the next is awaited (a
  // suspended generator keeps its frame's variables alive).
  const iterator = batches[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<ModelStreamBatch> | undefined = await iterator.next();
      if (next.done === true) break;
      // Text held back by a parser (a possible tag's start) can leave a batch empty.
      let parsed: ModelStreamBatch | undefined = next.value.flatMap((part) => parser.push(part));
      next = undefined;
      if (parsed.length > 0) yield parsed;
      parsed = undefined;
    }
  } finally {
    await iterator.return?.();
  }
  const rest = parser.finish();
  if (rest.length > 0) yield rest;
}
