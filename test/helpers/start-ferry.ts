import { Writable } from 'node:stream';
import Anthropic from '@anthropic-ai/sdk';
import { OpenAICompatibleBackend } from '../../src/backends/openai-compatible/openai-compatible-backend.js';
import type { Backend } from '../../src/backends/backend.js';
import { createLogger } from '../../src/observability/logger.js';
import type { FerryAppOptions } from '../../src/server/app-options.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';

export interface TestFerry {
  url: string;
  server: RunningServer;
  backend: Backend;
  /** Log lines Ferry wrote (JSON strings), for asserting redaction and warnings. */
  logs: string[];
  /** The official SDK pointed at this Ferry. */
  client(options?: { apiKey?: string }): Anthropic;
  close(): Promise<void>;
}

export interface StartFerryOptions extends Partial<Omit<FerryAppOptions, 'backend' | 'logger'>> {
  upstream: string;
  upstreamApiKey?: string;
  servedModelNames?: string[];
  backend?: Backend;
}

/** Ferry in this process on an ephemeral loopback port, talking real HTTP to its upstream. */
export async function startFerry(options: StartFerryOptions): Promise<TestFerry> {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const secrets = [options.apiKey, options.upstreamApiKey].filter(
    (key): key is string => key !== undefined,
  );
  const logger = createLogger({ level: 'debug', secrets, destination });
  const backend =
    options.backend ??
    new OpenAICompatibleBackend({
      url: options.upstream,
      ...(options.upstreamApiKey === undefined ? {} : { apiKey: options.upstreamApiKey }),
      ...(options.servedModelNames === undefined
        ? {}
        : { servedModelNames: options.servedModelNames }),
    });
  const {
    upstream: _upstream,
    upstreamApiKey: _key,
    servedModelNames: _names,
    ...appOptions
  } = options;
  const server = await startServer({ ...appOptions, backend, logger, host: '127.0.0.1', port: 0 });
  return {
    url: server.url,
    server,
    backend,
    logs,
    client: (clientOptions = {}) =>
      new Anthropic({
        baseURL: server.url,
        apiKey: clientOptions.apiKey ?? options.apiKey ?? 'test-key',
        maxRetries: 0,
      }),
    close: async () => {
      await server.close(1000);
      await backend.close();
    },
  };
}
