import type { Token } from 'node-llama-cpp';
import type { ModelFinishReason, ModelStreamBatch } from '../../model/model-stream-part.js';
import { evaluateTokens, type GenerationRun } from './evaluate-tokens.js';
import { IncrementalDetokenizer } from './incremental-detokenizer.js';

export type { Sampling } from './evaluate-tokens.js';

/**
 * Free generation, streamed as text deltas, one batch per token; the raw-text parsers find tool
 * calls and reasoning in it later, as for any upstream. (Structured output is
 * generateStructuredOutput.)
 */
export async function* generateText(
  run: GenerationRun,
): AsyncGenerator<ModelStreamBatch, ModelFinishReason> {
  const detokenizer = new IncrementalDetokenizer(run.model);
  let produced = 0;
  // Tokens whose text has not gone out yet (a character can span several tokens).
  let untold = 0;
  // The reply as text and tokens, for `onReply`.
  const reply = run.onReply !== undefined ? { text: '', tokens: [] as Token[] } : undefined;
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
  for await (const token of evaluateTokens(run, run.input, { lookahead: true })) {
    run.onToken();
    reply?.tokens.push(token);
    produced++;
    untold++;
    const text = detokenizer.push(token);
    if (text !== '') yield delta(text);
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
