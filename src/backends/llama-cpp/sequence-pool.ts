import { ApiError } from '../../protocol/api-error.js';

export interface Lease<T> {
  readonly item: T;
  release(): void;
}

/**
 * The context's sequences, lent one request at a time. A free sequence whose cached tokens share
 * the longest prefix with the new prompt is chosen, so the next turn of a conversation lands
 * where its previous turn's KV cache is. When all are busy, requests wait in arrival order; a
 * waiter whose client went away leaves the queue at once.
 */
export class SequencePool<T> {
  private readonly free: T[];
  private readonly total: number;
  private readonly waiters: { take: (item: T) => void; signal: AbortSignal }[] = [];

  constructor(
    items: readonly T[],
    /** How many leading tokens the item can reuse for this request (higher is better). */
    private readonly reusable: (item: T, prompt: readonly number[]) => number,
    /** Tokens the item holds now; among equals, the one with least to lose is taken. */
    private readonly held: (item: T) => number = () => 0,
  ) {
    this.free = [...items];
    this.total = items.length;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Items lent out now. */
  get busy(): number {
    return this.total - this.free.length;
  }

  acquire(prompt: readonly number[], signal: AbortSignal): Promise<Lease<T>> {
    if (signal.aborted) return Promise.reject(aborted());
    if (this.free.length > 0) return Promise.resolve(this.lease(this.takeBest(prompt)));
    return new Promise((resolve, reject) => {
      const waiter = {
        signal,
        take: (item: T) => {
          signal.removeEventListener('abort', onAbort);
          resolve(this.lease(item));
        },
      };
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(aborted());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /**
   * The free item that reuses most of the prompt; among equals the one holding least, so a
   * short side request (a title, a summary) does not evict a long conversation's cache.
   */
  private takeBest(prompt: readonly number[]): T {
    let best = 0;
    let bestReuse = -1;
    let bestHeld = Infinity;
    for (let index = 0; index < this.free.length; index++) {
      const item = this.free[index]!;
      const reuse = this.reusable(item, prompt);
      const held = this.held(item);
      if (reuse > bestReuse || (reuse === bestReuse && held < bestHeld))
        [best, bestReuse, bestHeld] = [index, reuse, held];
    }
    return this.free.splice(best, 1)[0]!;
  }

  private lease(item: T): Lease<T> {
    let released = false;
    return {
      item,
      release: () => {
        if (released) return;
        released = true;
        const next = this.waiters.shift();
        if (next === undefined) this.free.push(item);
        else next.take(item);
      },
    };
  }
}

function aborted(): ApiError {
  return new ApiError('api_error', 'request cancelled while waiting for a free sequence');
}
