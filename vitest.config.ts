import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Integration tests start real processes on loopback; two cores is the budget.
    maxWorkers: 2,
    reporters: [
      'default',
      // Figures first: CI reads the plain count as the very last line.
      './test/reliability/print-figures-reporter.ts',
      './test/helpers/plain-count-reporter.ts',
    ],
    // The reliability suite runs the built CLI; this rebuilds dist/bundle/ when src/ is newer.
    globalSetup: ['./test/reliability/build-ferry.ts'],
  },
});
