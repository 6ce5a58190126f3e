import type { Backend } from '../backends/backend.js';
import { OpenAICompatibleBackend } from '../backends/openai-compatible/openai-compatible-backend.js';
import type { FerryConfig } from '../config/config-schema.js';
import { ConfigError } from '../config/load-config.js';
import type { Logger } from '../observability/logger.js';
import { createParseParts } from '../server/create-parse-parts.js';
import { startServer, type RunningServer } from '../server/start-server.js';

export interface StartedFerry {
  server: RunningServer;
  backend: Backend;
  close(graceMs: number): Promise<void>;
}

/** Builds the backend a configuration names and serves it; shared by `serve` and `claude`. */
export async function startFerryFromConfig(
  config: FerryConfig,
  logger: Logger,
): Promise<StartedFerry> {
  const parseParts = createParseParts({
    ...optional('toolCallParser', config.toolCallParser),
    ...optional('reasoningParser', config.reasoningParser),
    models: config.modelParsers,
    onWarning: (message) => logger.warn(message),
  });
  const backend = createBackend(config, (message) => logger.warn(message));
  warnAboutExposure(config, logger);
  const server = await startServer({
    backend,
    logger,
    ...optional('parseParts', parseParts),
    aliases: config.aliases,
    ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
    maxBodyBytes: config.maxBodyBytes,
    maxHeaderBytes: config.maxHeaderBytes,
    pingIntervalMs: config.pingIntervalSeconds * 1000,
    host: config.host,
    port: config.port,
  });
  return {
    server,
    backend,
    close: async (graceMs) => {
      await server.close(graceMs);
      await backend.close();
    },
  };
}

/** Keys to scrub from every log line. */
export function secretsOf(config: FerryConfig): string[] {
  return [config.apiKey, config.upstreamApiKey].filter((key): key is string => key !== undefined);
}

function createBackend(config: FerryConfig, onWarning: (message: string) => void): Backend {
  if (config.upstream === undefined) {
    throw new ConfigError(
      '--upstream: required (the OpenAI-compatible server Ferry sends requests to)',
    );
  }
  return new OpenAICompatibleBackend({
    url: config.upstream,
    ...(config.upstreamApiKey === undefined ? {} : { apiKey: config.upstreamApiKey }),
    ...(config.servedModelNames === undefined ? {} : { servedModelNames: config.servedModelNames }),
    connectTimeoutMs: config.connectTimeoutSeconds * 1000,
    headersTimeoutMs: config.firstByteTimeoutSeconds * 1000,
    bodyTimeoutMs: config.idleTimeoutSeconds * 1000,
    retries: config.upstreamRetries,
    onWarning,
  });
}

function warnAboutExposure(config: FerryConfig, logger: Logger): void {
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(config.host);
  if (!loopback && config.apiKey === undefined) {
    logger.warn(
      `binding ${config.host} without --api-key: anyone who can reach this port can use the model`,
    );
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
