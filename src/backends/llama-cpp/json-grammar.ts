import {
  LlamaGrammarEvaluationState,
  type GbnfJsonSchema,
  type Llama,
  type LlamaGrammar,
  type LlamaModel,
} from 'node-llama-cpp';
import { ApiError } from '../../protocol/api-error.js';
import { toGrammarSchema } from './to-grammar-schema.js';

// The library's number rules allow an exponent of up to 16 digits, so `1E999` (Infinity, which
// serialises to null) is a valid sample. Tool arguments never need exponents.
const exponent = /\s*\(\[eE\] \[-\+\]\? \("0" \| \[1-9\] \[0-9\]\{0,15\}\)\)\?/g;
// Its integer part may have 16 digits, past 2^53: a JavaScript client (the SDK, Claude Code)
// would read another number. At most 15 digits are always exact.
const wholeDigits = '("0" | [1-9] [0-9]{0,15})';
const exactWholeDigits = '("0" | [1-9] [0-9]{0,14})';

/**
 * The library's rules let a value be laid out in several styles (spaces or not, newlines and
 * indents). Only the layout chat templates write with `tojson` is kept, `{"a": 1, "b": [2, 3]}`:
 * a tool call the engine writes then reads back exactly as the next turn's template renders it
 * (so that turn reuses the call's KV cache), and a small model cannot wander into whitespace.
 */
function tojsonLayout(grammar: string): string {
  return grammar
    .replace(/^(comma-whitespace-[\w-]+) ::= .*$/gm, '$1 ::= ", "')
    .replace(/^(whitespace-[\w-]+) ::= .*$/gm, '$1 ::= ""')
    .replaceAll('":" [ ]?', '": "');
}

const cache = new Map<string, Promise<LlamaGrammar>>();
const cacheLimit = 64;

/**
 * A grammar that only admits JSON valid for `schema` (in the subset llama.cpp grammars express:
 * see toGrammarSchema), cached per schema: Claude Code sends the same tools on every turn. A
 * schema no value fits, or one llama.cpp cannot make a grammar of, is a 400 naming `at`, the
 * schema's place in the request. What the grammar cannot enforce is told to `onWarning` once,
 * when the grammar is made.
 */
export async function jsonGrammar(
  llama: Llama,
  schema: unknown,
  at: string,
  onWarning?: (message: string) => void,
): Promise<LlamaGrammar> {
  const unenforced: string[] = [];
  const converted = toGrammarSchema(schema, {
    at,
    onUnenforced: (path, keyword) => unenforced.push(path === '' ? keyword : `${path}.${keyword}`),
  });
  const key = JSON.stringify(converted);
  let grammar = cache.get(key);
  if (grammar === undefined) {
    if (unenforced.length > 0)
      onWarning?.(`embedded engine: ${at}: not enforced by the grammar: ${unenforced.join(', ')}`);
    // The library's generic schema typing cannot follow a schema built at run time.
    const fromSchema = llama.createGrammarForJsonSchema.bind(llama) as unknown as (
      schema: GbnfJsonSchema,
    ) => Promise<LlamaGrammar>;
    grammar = fromSchema(converted).then((json) =>
      llama.createGrammar({
        grammar: tojsonLayout(
          json.grammar.replace(exponent, '').replaceAll(wholeDigits, exactWholeDigits),
        ),
      }),
    );
    grammar.catch(() => cache.delete(key));
    if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value!);
    cache.set(key, grammar);
  }
  return grammar.catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError(
      'invalid_request_error',
      `${at}: llama.cpp cannot make a grammar of this schema (${reason})`,
      { cause: error },
    );
  });
}

/** A fresh evaluation of `grammar`, for one sampled value. */
export function jsonGrammarState(
  model: LlamaModel,
  grammar: LlamaGrammar,
): LlamaGrammarEvaluationState {
  return new LlamaGrammarEvaluationState({ model, grammar });
}

/** True when a parsed value holds a number JSON cannot represent (from a huge exponent). */
export function hasNonFiniteNumber(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (Array.isArray(value)) return value.some(hasNonFiniteNumber);
  if (typeof value === 'object' && value !== null)
    return Object.values(value).some(hasNonFiniteNumber);
  return false;
}
