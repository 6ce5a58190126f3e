import {
  LlamaGrammarEvaluationState,
  type GbnfJsonSchema,
  type Llama,
  type LlamaGrammar,
  type LlamaModel,
} from 'node-llama-cpp';
import { toGrammarSchema } from './to-grammar-schema.js';

// The library's number rules allow an exponent of up to 16 digits, so `1E999` (Infinity, which
// serialises to null) is a valid sample. Tool arguments never need exponents.
const exponent = /\s*\(\[eE\] \[-\+\]\? \("0" \| \[1-9\] \[0-9\]\{0,15\}\)\)\?/g;

const cache = new Map<string, Promise<LlamaGrammar>>();
const cacheLimit = 64;

/**
 * A grammar that only admits JSON valid for `schema` (in the subset llama.cpp grammars express),
 * cached per schema: Claude Code sends the same tools on every turn.
 */
export async function jsonGrammarState(
  llama: Llama,
  model: LlamaModel,
  schema: unknown,
): Promise<LlamaGrammarEvaluationState> {
  const converted = toGrammarSchema(schema);
  const key = JSON.stringify(converted);
  let grammar = cache.get(key);
  if (grammar === undefined) {
    // The library's generic schema typing cannot follow a schema built at run time.
    const fromSchema = llama.createGrammarForJsonSchema.bind(llama) as unknown as (
      schema: GbnfJsonSchema,
    ) => Promise<LlamaGrammar>;
    grammar = fromSchema(converted).then((json) =>
      llama.createGrammar({ grammar: json.grammar.replace(exponent, '') }),
    );
    grammar.catch(() => cache.delete(key));
    if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value!);
    cache.set(key, grammar);
  }
  return new LlamaGrammarEvaluationState({ model, grammar: await grammar });
}

/** True when a parsed value holds a number JSON cannot represent (from a huge exponent). */
export function hasNonFiniteNumber(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (Array.isArray(value)) return value.some(hasNonFiniteNumber);
  if (typeof value === 'object' && value !== null)
    return Object.values(value).some(hasNonFiniteNumber);
  return false;
}
