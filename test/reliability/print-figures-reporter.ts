import type { Reporter, TestCase } from 'vitest/node';
import type { ReliabilityFigures } from './helpers/figures.js';

const megabytes = (bytes: number | undefined): string =>
  bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Prints the reliability suite's figures, summed over its tests, after the run. */
export default class PrintFiguresReporter implements Reporter {
  private readonly total: ReliabilityFigures = { requests: 0, faults: 0, badInputs: 0, lost: 0 };
  private tests = 0;

  onTestCaseResult(testCase: TestCase): void {
    const figures = testCase.meta().reliability;
    if (figures === undefined) return;
    this.tests++;
    this.total.requests += figures.requests;
    this.total.faults += figures.faults;
    this.total.badInputs += figures.badInputs;
    this.total.lost += figures.lost;
    for (const key of ['rssBeforeBytes', 'rssAfterBytes', 'heapGrowthBytes'] as const) {
      if (figures[key] !== undefined) this.total[key] = figures[key];
    }
  }

  onTestRunEnd(): void {
    if (this.tests === 0) return;
    const { requests, faults, badInputs, lost } = this.total;
    process.stdout.write(
      [
        '',
        `Reliability figures (${this.tests} tests)`,
        `  requests sent        ${requests}`,
        `  faults injected      ${faults}`,
        `  bad inputs tried     ${badInputs}`,
        `  requests lost        ${lost}`,
        `  RSS before / after   ${megabytes(this.total.rssBeforeBytes)} / ${megabytes(this.total.rssAfterBytes)} (1,000 sequential requests)`,
        `  heap growth          ${megabytes(this.total.heapGrowthBytes)}`,
        '',
      ].join('\n'),
    );
  }
}
