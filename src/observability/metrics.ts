import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EngineLoad } from '../backends/backend.js';

/**
 * Ferry's Prometheus metrics, on a registry of its own (several Ferry apps can live in one
 * process, as in tests). Served at GET /metrics.
 */
export class FerryMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'ferry_http_requests_total',
    help: 'HTTP requests answered, by route and status',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'ferry_http_request_duration_seconds',
    help: 'Time from request to the end of the response',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.05, 0.25, 1, 5, 30, 120, 600],
    registers: [this.registry],
  });
  private readonly firstEvent = new Histogram({
    name: 'ferry_time_to_first_event_seconds',
    help: 'Time from a /v1/messages request to the first model output',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: 'ferry_tokens_total',
    help: 'Tokens reported by the engine, by kind (input, cached_input, output)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private readonly streamErrors = new Counter({
    name: 'ferry_stream_errors_total',
    help: 'Streams that ended with an SSE error event after their 200 went out, by error type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly activeStreams = new Gauge({
    name: 'ferry_active_streams',
    help: 'Streaming responses in progress',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ferry_' });
  }

  /** Gauges of an in-process engine's sequences and queue, read at each scrape. */
  watchEngine(load: () => EngineLoad): void {
    const gauge = (name: string, help: string, read: () => number): void => {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    };
    gauge(
      'ferry_engine_sequences',
      'Sequences the embedded engine serves at once',
      () => load().sequences,
    );
    gauge(
      'ferry_engine_sequences_busy',
      'Sequences generating or reading a prompt',
      () => load().busy,
    );
    gauge(
      'ferry_engine_requests_waiting',
      'Requests queued for a free sequence',
      () => load().waiting,
    );
  }

  recordRequest(route: string, status: number, seconds: number): void {
    this.requests.inc({ route, status: String(status) });
    this.duration.observe({ route }, seconds);
  }

  /**
   * A request Node's HTTP parser refused (431, malformed HTTP): counted, under no route, with
   * no duration, as it never reached the router.
   */
  recordRefusedRequest(status: number): void {
    this.requests.inc({ route: 'unmatched', status: String(status) });
  }

  /** A stream's `error` event: its request is counted as the 200 it was, this says how it ended. */
  recordStreamError(type: string): void {
    this.streamErrors.inc({ type });
  }

  recordFirstEvent(seconds: number): void {
    this.firstEvent.observe(seconds);
  }

  recordUsage(usage: {
    input_tokens?: number | null;
    cache_read_input_tokens?: number | null;
    output_tokens: number;
  }): void {
    this.tokens.inc({ kind: 'input' }, usage.input_tokens ?? 0);
    this.tokens.inc({ kind: 'cached_input' }, usage.cache_read_input_tokens ?? 0);
    this.tokens.inc({ kind: 'output' }, usage.output_tokens);
  }
}
