import { afterEach } from 'vitest';
import type { Outcome } from './send-message.js';

/** What the reliability suite held, summed over its tests by print-figures-reporter.ts. */
export interface ReliabilityFigures {
  requests: number;
  faults: number;
  badInputs: number;
  lost: number;
  rssBeforeBytes?: number;
  rssAfterBytes?: number;
  heapGrowthBytes?: number;
}

declare module 'vitest' {
  interface TaskMeta {
    reliability?: ReliabilityFigures;
  }
}

export interface Tally {
  /** Counts a request and, when it was lost, a loss. Returns the outcome for chaining. */
  sent<T extends Outcome>(outcome: T): T;
  /** Counts requests sent some other way (raw sockets, SDK). */
  requests(count?: number): void;
  faults(count?: number): void;
  badInputs(count?: number): void;
  lost(count?: number): void;
  memory(
    figures: Pick<ReliabilityFigures, 'rssBeforeBytes' | 'rssAfterBytes' | 'heapGrowthBytes'>,
  ): void;
}

/**
 * A per-test tally: each test's figures travel to the reporter in the test's meta (tests run in
 * worker processes; meta is how their data reaches the main process).
 */
export function trackFigures(): Tally {
  let figures: ReliabilityFigures = empty();
  afterEach(({ task }) => {
    task.meta.reliability = figures;
    figures = empty();
  });
  return {
    sent: (outcome) => {
      figures.requests++;
      if (outcome.kind === 'lost') figures.lost++;
      return outcome;
    },
    requests: (count = 1) => void (figures.requests += count),
    faults: (count = 1) => void (figures.faults += count),
    badInputs: (count = 1) => void (figures.badInputs += count),
    lost: (count = 1) => void (figures.lost += count),
    memory: (memory) => void Object.assign(figures, memory),
  };
}

function empty(): ReliabilityFigures {
  return { requests: 0, faults: 0, badInputs: 0, lost: 0 };
}
