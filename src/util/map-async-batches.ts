/**
 * `source`'s values mapped to batches as they arrive (empty ones are not yielded), then
 * `finish()`'s batch. `stopAfter`, checked after each value, ends the iteration early; the
 * source is then returned, which cancels its work.
 *
 * Iterated by hand rather than with `for await`, and every reference to a value or its batch is
 * dropped before the next await: a suspended async generator keeps the variables of its frame
 * alive, and a `for await` binding cannot be cleared, so each open stream would carry its last
 * read through every garbage collection until the next one arrived.
 */
export async function* mapAsyncBatches<T, U>(
  source: AsyncIterable<T>,
  map: (value: T) => U[],
  options: { stopAfter?: () => boolean; finish?: () => U[] | Promise<U[]> } = {},
): AsyncGenerator<U[]> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<T> | undefined = await iterator.next();
      if (next.done === true) break;
      let batch: U[] | undefined = map(next.value);
      next = undefined;
      if (batch.length > 0) yield batch;
      batch = undefined;
      if (options.stopAfter?.() === true) break;
    }
  } finally {
    await iterator.return?.();
  }
  const last = (await options.finish?.()) ?? [];
  if (last.length > 0) yield last;
}
