import type {
  Llama,
  LlamaContextSequence,
  LlamaGrammarEvaluationState,
  LlamaModel,
  Token,
} from 'node-llama-cpp';

export interface Sampling {
  temperature: number;
  seed: number;
  topP?: number;
  topK?: number;
  minP?: number;
}

/** One request's generation on its sequence. */
export interface GenerationRun {
  llama: Llama;
  model: LlamaModel;
  sequence: LlamaContextSequence;
  /** Prompt tokens not yet in the sequence's KV cache. */
  input: Token[];
  maxTokens: number;
  sampling: Sampling;
  signal: AbortSignal;
  /** Counts every token of the reply. */
  onToken: () => void;
  /**
   * Called when a free-text reply ends (not when the client left) with its text and tokens,
   * which the sequence's KV cache now holds.
   */
  onReply?: (text: string, tokens: readonly Token[]) => void;
  /** Called once if the client left while the engine was mid-batch; settles when it is done. */
  onBusyAfterAbort: (settled: Promise<unknown>) => void;
}

/** How a token loop ended when it was not stopped by its consumer. */
export type TokenLoopEnd = 'end-of-generation' | 'aborted';

const abortedMarker = Symbol('aborted');

/**
 * Evaluates `input` on the run's sequence and yields each sampled token until an end-of-generation
 * token, the consumer stopping, or the client leaving. The client leaving ends the loop at once,
 * even in the middle of a long prompt evaluation; the engine's own batch finishes in the
 * background and only then is the sequence lent out again.
 *
 * With `lookahead`, the engine starts on the next token before the consumer has handled this
 * one, so streaming a token to the client overlaps with computing the next (the sequence then
 * holds one token more than was consumed: callers that evaluate more afterwards must not use it).
 */
export async function* evaluateTokens(
  run: GenerationRun,
  input: Token[],
  options: { grammarEvaluationState?: LlamaGrammarEvaluationState; lookahead?: boolean } = {},
): AsyncGenerator<Token, TokenLoopEnd> {
  const { grammarEvaluationState, lookahead = false } = options;
  const last = await evaluatePromptBatches(run, input);
  if (last === undefined) return 'aborted';
  const iterator = run.sequence.evaluate(last, {
    ...run.sampling,
    ...(grammarEvaluationState === undefined ? {} : { grammarEvaluationState }),
  });
  let pending: Promise<IteratorResult<Token, void>> | undefined = iterator.next();
  let abandoned = false;
  try {
    for (;;) {
      const current: Promise<IteratorResult<Token, void>> = pending ?? iterator.next();
      pending = undefined;
      const result = await raceAbort(current, run.signal);
      if (result === abortedMarker) {
        abandoned = true;
        run.onBusyAfterAbort(current.then(() => iterator.return()).catch(() => undefined));
        return 'aborted';
      }
      if (result.done === true || run.model.isEogToken(result.value)) return 'end-of-generation';
      if (lookahead) pending = iterator.next();
      yield result.value;
    }
  } finally {
    if (!abandoned) {
      await pending?.catch(() => undefined);
      await iterator.return();
    }
  }
}

/**
 * Reads the run's input into the sequence's KV cache without sampling, for a request that has no
 * room to generate (max_tokens 0 warms the cache). False if the client left first.
 */
export async function evaluatePrompt(run: GenerationRun): Promise<boolean> {
  const last = await evaluatePromptBatches(run, run.input);
  if (last === undefined) return false;
  const evaluating = run.sequence.evaluateWithoutGeneratingNewTokens(last);
  if ((await raceAbort(evaluating, run.signal)) !== abortedMarker) return true;
  run.onBusyAfterAbort(evaluating.catch(() => undefined));
  return false;
}

/**
 * A long prompt is evaluated one batch at a time, so a client that leaves mid-prompt frees its
 * sequence once the batch in progress is done: node-llama-cpp has no way to stop an
 * evaluation, and a client that left during a 20k-token prompt held its sequence until the
 * whole prompt was in. The batches are the ones llama.cpp would make anyway (`--batch-size`
 * tokens), so nothing is decoded more often. Returns the last batch, evaluated with
 * generation, or undefined if the client left.
 */
async function evaluatePromptBatches(
  run: GenerationRun,
  input: Token[],
): Promise<Token[] | undefined> {
  const batchSize = run.sequence.context.batchSize;
  let start = 0;
  while (input.length - start > batchSize) {
    if (run.signal.aborted) return undefined;
    const batch = input.slice(start, start + batchSize);
    const evaluating = run.sequence.evaluateWithoutGeneratingNewTokens(batch);
    if ((await raceAbort(evaluating, run.signal)) === abortedMarker) {
      run.onBusyAfterAbort(evaluating.catch(() => undefined));
      return undefined;
    }
    start += batchSize;
  }
  return run.signal.aborted ? undefined : start === 0 ? input : input.slice(start);
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof abortedMarker> {
  if (signal.aborted) return Promise.resolve(abortedMarker);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(abortedMarker);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
