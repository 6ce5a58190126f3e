// Fixed-concurrency load for a fixed time, against either Ferry (Anthropic /v1/messages) or the
// upstream directly (OpenAI /v1/chat/completions). Every reply is read to the end and checked:
// a reply that is incomplete or wrong counts as lost. Time to first token is measured to the
// first content-bearing event.
import { Pool } from 'undici';

/**
 * @param {{ origin: string, path: string, body: string, headers?: Record<string,string>,
 *   concurrency: number, durationMs: number, check: (text: string) => boolean,
 *   isFirstToken: (text: string) => boolean }} options
 */
export async function runLoad(options) {
  const pool = new Pool(options.origin, { connections: options.concurrency, pipelining: 1 });
  const deadline = performance.now() + options.durationMs;
  const ttfts = [];
  const latencies = [];
  let ok = 0;
  let lost = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      let firstAt;
      try {
        const response = await pool.request({
          method: 'POST',
          path: options.path,
          headers: { 'content-type': 'application/json', ...options.headers },
          body: options.body,
        });
        let text = '';
        for await (const chunk of response.body) {
          text += chunk.toString('utf8');
          if (firstAt === undefined && options.isFirstToken(text)) firstAt = performance.now();
        }
        if (response.statusCode === 200 && options.check(text)) {
          ok++;
          ttfts.push((firstAt ?? performance.now()) - started);
          latencies.push(performance.now() - started);
        } else lost++;
      } catch {
        lost++;
      }
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsed = (performance.now() - began) / 1000;
  await pool.close();
  return { ok, lost, seconds: elapsed, ttfts, latencies };
}

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
