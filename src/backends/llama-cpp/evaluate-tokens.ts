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
 */
export async function* evaluateTokens(
  run: GenerationRun,
  input: Token[],
  grammarEvaluationState?: LlamaGrammarEvaluationState,
): AsyncGenerator<Token, TokenLoopEnd> {
  const iterator = run.sequence.evaluate(input, {
    ...run.sampling,
    ...(grammarEvaluationState === undefined ? {} : { grammarEvaluationState }),
  });
  let abandoned = false;
  try {
    for (;;) {
      const pending = iterator.next();
      const result = await raceAbort(pending, run.signal);
      if (result === abortedMarker) {
        abandoned = true;
        run.onBusyAfterAbort(pending.then(() => iterator.return()).catch(() => undefined));
        return 'aborted';
      }
      if (result.done === true || run.model.isEogToken(result.value)) return 'end-of-generation';
      yield result.value;
    }
  } finally {
    if (!abandoned) await iterator.return();
  }
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
