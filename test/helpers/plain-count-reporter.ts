import type { Reporter, TestCase } from 'vitest/node';

/** Prints the plain `N passed, N failed` line CI reads; vitest's own summary is not parsed. */
export default class PlainCountReporter implements Reporter {
  private passed = 0;
  private failed = 0;
  private skipped = 0;

  onTestCaseResult(testCase: TestCase): void {
    const state = testCase.result().state;
    if (state === 'passed') this.passed++;
    else if (state === 'failed') this.failed++;
    else this.skipped++;
  }

  onTestRunEnd(): void {
    process.stdout.write(
      `\n${this.passed} passed, ${this.failed} failed, ${this.skipped} skipped\n`,
    );
  }
}
