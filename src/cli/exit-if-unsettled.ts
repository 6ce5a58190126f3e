/**
 * Node exits with status 0 when its event loop empties, even while a promise it was awaiting
 * never settled: a native library's operation that neither resolves nor keeps the loop alive
 * would make Ferry vanish in silence, looking like success. When that happens while `running`
 * is still pending, this says so and exits with status 1. A normal end calls `process.exit`,
 * which does not emit `beforeExit`.
 */
export function exitIfUnsettled(running: Promise<unknown>, what: string): void {
  let settled = false;
  const settle = (): void => {
    settled = true;
  };
  running.then(settle, settle);
  process.once('beforeExit', () => {
    if (settled) return;
    process.stderr.write(
      `ferry: ${what} stopped before it finished: an operation never completed (please report this)\n`,
    );
    process.exit(1);
  });
}
