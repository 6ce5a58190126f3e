/**
 * Plain progress lines for a download when stdout is not a terminal (logs, CI, systemd): at most
 * one line every few seconds, with bytes, rate and time left.
 */
export class DownloadProgress {
  private readonly started: number;
  private lastLine = 0;
  private last = { downloadedSize: 0, totalSize: 0 };
  /** Bytes a resumed download already had: not part of this run's rate. */
  private resumedFrom: number | undefined;

  constructor(
    private readonly name: string,
    private readonly writeLine: (line: string) => void,
    private readonly now: () => number = Date.now,
    private readonly everyMs = 5000,
  ) {
    this.started = now();
  }

  readonly update = (status: { totalSize: number; downloadedSize: number }): void => {
    this.last = status;
    this.resumedFrom ??= status.downloadedSize;
    const time = this.now();
    if (this.lastLine !== 0 && time - this.lastLine < this.everyMs) return;
    this.lastLine = time;
    this.writeLine(formatProgress(this.name, status, time - this.started, this.resumedFrom));
  };

  finish(): void {
    if (this.lastLine === 0) return; // nothing was downloaded: the file was already there
    const elapsed = this.now() - this.started;
    this.writeLine(
      `downloaded ${this.name}: ${formatBytes(this.last.totalSize)} in ${formatSeconds(elapsed / 1000)}`,
    );
  }
}

/** `resumedFrom`: the bytes already there when this run started (a resumed download). */
export function formatProgress(
  name: string,
  status: { totalSize: number; downloadedSize: number },
  elapsedMs: number,
  resumedFrom = 0,
): string {
  const { downloadedSize: done, totalSize: total } = status;
  const rate = elapsedMs > 0 ? Math.max(0, done - resumedFrom) / (elapsedMs / 1000) : 0;
  const percent = total > 0 ? ` (${Math.floor((done / total) * 100)}%)` : '';
  const eta = rate > 0 && total > done ? `, ${formatSeconds((total - done) / rate)} left` : '';
  return `downloading ${name}: ${formatBytes(done)} of ${formatBytes(total)}${percent}, ${formatBytes(rate)}/s${eta}`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.ceil(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
