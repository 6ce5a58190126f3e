import type { Token } from 'node-llama-cpp';
import type { ModelFinishReason, ModelStreamBatch } from '../../model/model-stream-part.js';
import { evaluateTokens, type GenerationRun } from './evaluate-tokens.js';
import { IncrementalDetokenizer } from './incremental-detokenizer.js';
import { jsonGrammarState } from './json-grammar.js';
import { JsonValueScanner } from './json-value-scanner.js';

export type { Sampling } from './evaluate-tokens.js';

/**
 * Free generation, streamed as text deltas, one batch per token; the raw-text parsers find tool
 * calls and reasoning in it later, as for any upstream. With a response schema (structured
 * output) the text is constrained to JSON valid for it and ends when the value closes.
 */
export async function* generateText(
  run: GenerationRun & { responseSchema?: unknown },
): AsyncGenerator<ModelStreamBatch, ModelFinishReason> {
  const detokenizer = new IncrementalDetokenizer(run.model);
  const constrained = run.responseSchema !== undefined;
  const grammar = constrained
    ? await jsonGrammarState(run.llama, run.model, run.responseSchema)
    : undefined;
  const scanner = constrained ? new JsonValueScanner() : undefined;
  let produced = 0;
  // Tokens whose text has not gone out yet (a character can span several tokens).
  let untold = 0;
  // The reply as text and tokens, for `onReply` (not for constrained output, which a scanner
  // may cut short of its last token's text).
  const reply =
    run.onReply !== undefined && !constrained ? { text: '', tokens: [] as Token[] } : undefined;
  const delta = (text: string): ModelStreamBatch => {
    const tokens = untold;
    untold = 0;
    if (reply !== undefined) reply.text += text;
    return [{ type: 'text-delta', text, tokens }];
  };
  const ended = (reason: ModelFinishReason): ModelFinishReason => {
    if (reply !== undefined) run.onReply?.(reply.text, reply.tokens);
    return reason;
  };
  for await (const token of evaluateTokens(run, run.input, {
    ...(grammar === undefined ? {} : { grammarEvaluationState: grammar }),
    lookahead: true,
  })) {
    run.onToken();
    reply?.tokens.push(token);
    produced++;
    untold++;
    let text = detokenizer.push(token);
    if (scanner !== undefined) text = text.slice(0, scanner.push(text));
    if (text !== '') yield delta(text);
    if (scanner?.complete === true) return 'end-turn';
    if (produced >= run.maxTokens) {
      const rest = detokenizer.flush();
      if (rest !== '') yield delta(rest);
      return ended('max-tokens');
    }
  }
  const rest = detokenizer.flush();
  if (rest !== '') yield delta(rest);
  return run.signal.aborted ? 'end-turn' : ended('end-turn');
}
