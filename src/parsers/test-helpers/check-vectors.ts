import { describe, expect, it } from 'vitest';
import type { ToolSchemas } from '../../model/model-request.js';
import type { TextParserFactory, TextParserOptions } from '../text-parser.js';
import { createRandom, splitAt, splitRandomly } from './split-text.js';
import { runParser, summarizeParts, type Summary } from './summarize-parts.js';

/** One realistic model reply and what it must parse into. */
export interface ParserVector {
  name: string;
  input: string;
  expected: Summary;
  /** Whether the parser must warn (malformed or truncated calls). */
  warns?: boolean;
  toolSchemas?: ToolSchemas;
  promptOpensReasoning?: boolean;
  hidesReasoning?: boolean;
  thinkingRequested?: boolean;
}

const randomSeeds = 20;

/**
 * Runs every vector whole, split in two at every index, in 1-unit pieces and in seeded random
 * pieces, and expects the same summary (and warning or not) each time.
 */
export function checkVectors(
  title: string,
  factory: TextParserFactory,
  vectors: readonly ParserVector[],
): void {
  describe(title, () => {
    for (const vector of vectors) {
      it(vector.name, () => {
        for (const pieces of splitsOf(vector.input)) {
          const { summary, warnings } = parse(factory, vector, pieces);
          const context = JSON.stringify(pieces);
          expect(summary, context).toEqual(vector.expected);
          expect(warnings > 0, `warnings for ${context}`).toBe(vector.warns ?? false);
        }
      });
    }
  });
}

function* splitsOf(input: string): Generator<string[]> {
  yield [input];
  for (let i = 0; i <= input.length; i++) yield splitAt(input, i);
  yield input.split('');
  for (let seed = 1; seed <= randomSeeds; seed++) yield splitRandomly(input, createRandom(seed));
}

function parse(factory: TextParserFactory, vector: ParserVector, pieces: readonly string[]) {
  let warnings = 0;
  const options: TextParserOptions = {
    toolSchemas: vector.toolSchemas ?? new Map(),
    onWarning: () => warnings++,
    ...(vector.promptOpensReasoning === undefined
      ? {}
      : { promptOpensReasoning: vector.promptOpensReasoning }),
    ...(vector.hidesReasoning === true ? { hidesReasoning: true } : {}),
    ...(vector.thinkingRequested === true ? { thinkingRequested: true } : {}),
  };
  const summary = summarizeParts(runParser(factory(options), pieces));
  return { summary, warnings };
}
