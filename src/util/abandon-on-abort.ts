/**
 * `promise`, or its abandonment when `signal` aborts first (rejecting with the signal's
 * reason). For work several callers share: one caller leaving must not stop it for the others.
 * The promise is always handled here, so work nobody waits for any more fails quietly.
 */
export function abandonOnAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
