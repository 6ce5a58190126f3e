/**
 * Gives a download up when it receives nothing for `limitMs`, and says so on the way: the
 * downloader retries a dead connection for minutes, which looks like a hung start-up.
 */
export class StallWatch {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private bytes = -1;
  private lastData = Date.now();
  private lastNotice = 0;

  constructor(
    private readonly limitMs: number,
    notice: (idleMs: number) => void,
    tickMs = Math.min(5000, limitMs / 4),
  ) {
    this.timer = setInterval(() => {
      const idle = Date.now() - this.lastData;
      if (idle >= this.limitMs) this.controller.abort();
      else if (idle >= 10_000 && Date.now() - this.lastNotice >= 10_000) {
        this.lastNotice = Date.now();
        notice(idle);
      }
    }, tickMs);
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  progress(bytes: number): void {
    if (bytes === this.bytes) return;
    this.bytes = bytes;
    this.lastData = Date.now();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
