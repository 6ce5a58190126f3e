import { ApiError } from '../../protocol/api-error.js';

/** A held token counts this many times less than one reused now (see takeBest). */
const evictionWeight = 4;

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
  /** When each item was last lent, on a counter of leases. */
  private readonly lastUsed = new Map<T, number>();
  private leases = 0;

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
   * The free item worth most for this prompt: the tokens it saves evaluating, less a quarter of
   * the tokens it holds beyond them, which taking it evicts. A conversation's next turn lands on
   * its own cache, and a history edited halfway still reuses its prefix. Where no item is worth
   * anything, a short side request (a title, a summary, which shares only the template's first
   * token or so with every cache) takes an empty sequence, else the one used longest ago: not
   * the conversation in progress. Among equals, the item holding least.
   */
  private takeBest(prompt: readonly number[]): T {
    let best = 0;
    let bestScore = -Infinity;
    let bestHeld = Infinity;
    for (let index = 0; index < this.free.length; index++) {
      const item = this.free[index]!;
      const reuse = this.reusable(item, prompt);
      const held = this.held(item);
      const score = reuse - Math.max(0, held - reuse) / evictionWeight;
      if (score > bestScore || (score === bestScore && held < bestHeld))
        [best, bestScore, bestHeld] = [index, score, held];
    }
    if (bestScore <= 0 && bestHeld > 0) best = this.leastRecentlyUsed();
    return this.free.splice(best, 1)[0]!;
  }

  /** The index of the free item lent out longest ago (never lent counts as oldest). */
  private leastRecentlyUsed(): number {
    let oldest = 0;
    for (let index = 1; index < this.free.length; index++) {
      const used = this.lastUsed.get(this.free[index]!) ?? 0;
      if (used < (this.lastUsed.get(this.free[oldest]!) ?? 0)) oldest = index;
    }
    return oldest;
  }

  private lease(item: T): Lease<T> {
    this.lastUsed.set(item, ++this.leases);
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
