import { describe, expect, it } from 'vitest';
import { DownloadProgress, formatBytes, formatProgress } from './download-progress.js';

describe('download progress', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1500, '1.5 KB'],
    [1_100_000_000, '1.1 GB'],
  ])('formatBytes(%d) = %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it.each([
    [
      { downloadedSize: 250_000_000, totalSize: 1_000_000_000 },
      10_000,
      'downloading m.gguf: 250.0 MB of 1.0 GB (25%), 25.0 MB/s, 30 s left',
    ],
    [
      { downloadedSize: 100_000_000, totalSize: 1_000_000_000 },
      10_000,
      'downloading m.gguf: 100.0 MB of 1.0 GB (10%), 10.0 MB/s, 1 min 30 s left',
    ],
    [{ downloadedSize: 0, totalSize: 0 }, 0, 'downloading m.gguf: 0 B of 0 B, 0 B/s'],
  ])('formatProgress %j after %d ms', (status, elapsed, line) => {
    expect(formatProgress('m.gguf', status, elapsed)).toBe(line);
  });

  it('a resumed download’s rate and time left count only this run’s bytes', () => {
    const status = { downloadedSize: 600_000_000, totalSize: 1_000_000_000 };
    expect(formatProgress('m.gguf', status, 10_000, 500_000_000)).toBe(
      'downloading m.gguf: 600.0 MB of 1.0 GB (60%), 10.0 MB/s, 40 s left',
    );
    let time = 0;
    const lines: string[] = [];
    const progress = new DownloadProgress(
      'm.gguf',
      (line) => lines.push(line),
      () => time,
    );
    progress.update({ downloadedSize: 500_000_000, totalSize: 1_000_000_000 });
    time = 10_000;
    progress.update(status);
    expect(lines.at(-1)).toBe('downloading m.gguf: 600.0 MB of 1.0 GB (60%), 10.0 MB/s, 40 s left');
  });

  it('writes at most one line per interval, and a last one when done', () => {
    let time = 0;
    const lines: string[] = [];
    const progress = new DownloadProgress(
      'm.gguf',
      (line) => lines.push(line),
      () => time,
      5000,
    );
    for (let step = 1; step <= 20; step++) {
      time = step * 1000;
      progress.update({ downloadedSize: step * 50, totalSize: 1000 });
    }
    progress.finish();
    expect(lines).toHaveLength(5);
    expect(lines.at(-1)).toBe('downloaded m.gguf: 1.0 KB in 20 s');
  });

  it('says nothing when nothing was downloaded', () => {
    const lines: string[] = [];
    new DownloadProgress('m.gguf', (line) => lines.push(line)).finish();
    expect(lines).toEqual([]);
  });
});
