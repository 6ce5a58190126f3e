import type { LlamaGrammar, Token } from 'node-llama-cpp';
import { attemptSampling } from './attempt-sampling.js';
import { evaluateTokens, type GenerationRun } from './evaluate-tokens.js';
import { fitBounds } from './fit-bounds.js';
import { IncrementalDetokenizer } from './incremental-detokenizer.js';
import { hasNonFiniteNumber, jsonGrammarState } from './json-grammar.js';
import { JsonValueScanner } from './json-value-scanner.js';
import { stringifyAsTojson } from './stringify-as-tojson.js';

interface SampledJson {
  text: string;
  complete: boolean;
  aborted: boolean;
  /** The last sampled token, which the engine has not evaluated yet. */
  unevaluated: Token;
}

/** Output tokens a request has left, shared by everything it samples. */
interface TokenBudget {
  left: number;
}

interface JsonDraw {
  /** Evaluated before the value; at least one token (the value's first logits come from it). */
  input: Token[];
  grammar: LlamaGrammar;
  /** The JSON Schema the grammar came from, for what the grammar cannot hold to. */
  schema: unknown;
  budget: TokenBudget;
  /** What the value is, for the log: `the arguments of Write`. */
  label: string;
  onWarning?: ((message: string) => void) | undefined;
}

const attempts = 3;

/**
 * A JSON value sampled under a grammar and checked for what grammars do not hold to: numeric
 * bounds, lengths past maxGrammarRepeats, numbers JSON or JavaScript cannot read exactly. A
 * value that fails is drawn again, twice at most, each time on a seed of its own: node-llama-cpp
 * builds a new sampler from the seed on every evaluation, and once the draw is erased the
 * context is what it was, so the same seed would draw the same value. The last value drawn
 * whole, when it still fails or a later draw ran out of tokens, is brought within the bounds
 * (logged): a value is never given up for one cut short.
 */
export async function drawJson(run: GenerationRun, draw: JsonDraw): Promise<SampledJson> {
  const { sequence } = run;
  // A redraw evaluates the input's last token again, for fresh logits after the erase.
  const redrawFrom = sequence.nextTokenIndex + draw.input.length - 1;
  let sampled = emptySample();
  let whole: SampledJson | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0)
      await sequence.eraseContextTokenRanges([{ start: redrawFrom, end: sequence.nextTokenIndex }]);
    sampled = await sampleJson(
      { ...run, sampling: attemptSampling(run.sampling, attempt) },
      attempt === 0 ? draw.input : draw.input.slice(-1),
      draw.grammar,
      draw.budget,
    );
    if (sampled.aborted || !sampled.complete) break;
    whole = sampled;
    if (isUsable(sampled.text, draw.schema)) return sampled;
    if (run.sampling.temperature === 0) break; // greedy: every draw is the same
    if (attempt < attempts - 1)
      draw.onWarning?.(`embedded engine: drew ${draw.label} again (${clip(sampled.text)})`);
  }
  if (sampled.aborted || whole === undefined) return sampled;
  return { ...whole, text: withinBounds(whole.text, draw) };
}

function emptySample(): SampledJson {
  return { text: '', complete: false, aborted: false, unevaluated: 0 as Token };
}

async function sampleJson(
  run: GenerationRun,
  input: Token[],
  grammar: LlamaGrammar,
  budget: TokenBudget,
): Promise<SampledJson> {
  const detokenizer = new IncrementalDetokenizer(run.model);
  const scanner = new JsonValueScanner();
  const result = emptySample();
  if (budget.left <= 0) return result;
  const grammarEvaluationState = jsonGrammarState(run.model, grammar);
  const tokens = evaluateTokens(run, input, { grammarEvaluationState });
  for (;;) {
    const next = await tokens.next();
    if (next.done === true) {
      result.aborted = next.value === 'aborted';
      return result;
    }
    run.onToken();
    budget.left--;
    result.unevaluated = next.value;
    const text = detokenizer.push(next.value);
    result.text += text.slice(0, scanner.push(text));
    if (scanner.complete || budget.left <= 0) {
      result.complete = scanner.complete;
      await tokens.return('end-of-generation');
      return result;
    }
  }
}

/** Parses, holds only numbers JSON and JavaScript read exactly, and keeps the schema's bounds. */
function isUsable(text: string, schema: unknown): boolean {
  try {
    const value: unknown = JSON.parse(text);
    if (hasNonFiniteNumber(value)) return false;
    const fitted = fitBounds(value, schema);
    return !fitted.changed && !fitted.unsafe && !fitted.short;
  } catch {
    return false;
  }
}

/** A value still out of bounds after the last draw, brought within them where it can be. */
function withinBounds(text: string, draw: JsonDraw): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  const fitted = fitBounds(value, draw.schema);
  const warn = (what: string) =>
    draw.onWarning?.(`embedded engine: ${draw.label} ${what} (${clip(text)})`);
  if (fitted.short) warn("left below the schema's minLength or minItems: no draw reached it");
  if (!fitted.changed) return text;
  warn("brought within the schema's bounds");
  return stringifyAsTojson(fitted.value);
}

function clip(text: string): string {
  return text.length <= 300 ? text : `${text.slice(0, 300)}…`;
}
