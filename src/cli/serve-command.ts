import { OpenAICompatibleBackend } from '../backends/openai-compatible/openai-compatible-backend.js';
import type { Backend } from '../backends/backend.js';
import type { FerryConfig } from '../config/config-schema.js';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { startServer } from '../server/start-server.js';
import { parseServeArgs } from './parse-serve-args.js';
import { flagForConfigKey, serveUsage } from './serve-flags.js';

/** `ferry serve`: load settings, build the backend, listen, and shut down cleanly on signals. */
export async function serveCommand(argv: readonly string[]): Promise<number> {
  const args = parseServeArgs(argv);
  if (args.help) {
    process.stdout.write(serveUsage);
    return 0;
  }
  const config = await loadConfig(args.flags, args.configFile, flagForConfigKey);
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const backend = createBackend(config);
  warnAboutExposure(config, logger);
  const server = await startServer({
    backend,
    logger,
    aliases: config.aliases,
    ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
    maxBodyBytes: config.maxBodyBytes,
    pingIntervalMs: config.pingIntervalSeconds * 1000,
    host: config.host,
    port: config.port,
  });
  logger.info({ url: server.url, upstream: config.upstream }, `Ferry listening on ${server.url}`);
  void describeModels(backend, logger);
  await waitForShutdownSignal(logger);
  await server.close(10_000);
  await backend.close();
  return 0;
}

function createBackend(config: FerryConfig): Backend {
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
  });
}

function secretsOf(config: FerryConfig): string[] {
  return [config.apiKey, config.upstreamApiKey].filter((key): key is string => key !== undefined);
}

function warnAboutExposure(config: FerryConfig, logger: Logger): void {
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(config.host);
  if (!loopback && config.apiKey === undefined) {
    logger.warn(
      `binding ${config.host} without --api-key: anyone who can reach this port can use the model`,
    );
  }
}

async function describeModels(backend: Backend, logger: Logger): Promise<void> {
  try {
    logger.info(
      { models: await backend.listModels(AbortSignal.timeout(10_000)) },
      'serving models',
    );
  } catch (error) {
    logger.warn(`the upstream did not list its models yet: ${(error as Error).message}`);
  }
}

function waitForShutdownSignal(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info(`${signal}: finishing in-flight requests, then exiting`);
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
