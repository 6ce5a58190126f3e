import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../backends/backend.js';
import type { FerryConfig, FerryConfigInput } from '../config/config-schema.js';
import { defaultModel } from '../config/default-model.js';
import { ConfigError } from '../config/config-error.js';
import type { Logger } from '../observability/logger.js';
import { backendIdentity } from './backend-identity.js';
import { isLoopbackHost } from './is-loopback-host.js';
import { collectGarbage } from './limit-memory-growth.js';
import { renamed } from './name-setting-source.js';
import { flagForConfigKey } from './serve-flags.js';
import { createParseParts } from '../server/create-parse-parts.js';
import { startServer, type RunningServer } from '../server/start-server.js';
import { optionalField } from '../util/optional-field.js';

export interface StartedFerry {
  server: RunningServer;
  backend: Backend;
  close(graceMs: number): Promise<void>;
}

/** Builds the backend a configuration names and serves it; shared by `serve` and `claude`. */
export async function startFerryFromConfig(
  config: FerryConfig,
  logger: Logger,
  source?: SettingSource,
): Promise<StartedFerry> {
  // Built before the backend so an unknown parser name stops start-up before a model is loaded.
  // The embedded engine returns raw text: its parsers follow its chat template unless named.
  const byDefault = config.upstream === undefined ? 'auto' : undefined;
  const parseParts = createParseParts({
    ...optionalField('toolCallParser', config.toolCallParser ?? byDefault),
    ...optionalField('reasoningParser', config.reasoningParser ?? byDefault),
    models: config.modelParsers,
    chatTemplate: (model) => backend.chatTemplateOf?.(model), // asked per request, once it exists
    toolCallFormat: (model) => backend.toolCallFormatOf?.(model),
    onWarning: (message) => logger.warn(message),
    onChosen: (model, chosen) =>
      logger.info(
        { model, toolCallParser: 'none', reasoningParser: 'none', ...chosen },
        'raw-text parsers chosen',
      ),
  });
  const backend = await createBackend(config, logger);
  warnAboutIgnoredSettings(config, logger, source);
  const server = await startServer({
    backend,
    logger,
    ...optionalField('parseParts', parseParts),
    aliases: config.aliases,
    backendIdentity: backendIdentity(config),
    ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
    ...optionalField('corsOrigins', config.corsOrigins),
    maxBodyBytes: config.maxBodyBytes,
    maxHeaderBytes: config.maxHeaderBytes,
    pingIntervalMs: config.pingIntervalSeconds * 1000,
    host: config.host,
    port: config.port,
  }).catch(async (error: unknown) => {
    await backend.close().catch(() => undefined);
    throw listenError(error, config);
  });
  warnAboutOpenBinding(config, logger); // once bound: a host that cannot be bound gets its error alone
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
  const keys = [config.apiKey, config.upstreamApiKey, ...passwordIn(config.upstream)];
  return [...new Set(keys)].filter((key): key is string => key !== undefined && key !== '');
}

/**
 * A password in the upstream URL (`http://user:secret@host`) is a secret like a key: as the
 * URL writes it, and decoded.
 */
function passwordIn(url: string | undefined): string[] {
  if (url === undefined) return [];
  try {
    const { password } = new URL(url);
    return [password, decodeURIComponent(password)];
  } catch {
    return [];
  }
}

async function createBackend(config: FerryConfig, logger: Logger): Promise<Backend> {
  if (config.upstream === undefined) return loadEmbeddedEngine(config, logger);
  // Loaded on demand like the embedded engine: each side's modules cost the other memory.
  const { OpenAICompatibleBackend } =
    await import('../backends/openai-compatible/openai-compatible-backend.js');
  return new OpenAICompatibleBackend({
    url: config.upstream,
    ...(config.upstreamApiKey === undefined ? {} : { apiKey: config.upstreamApiKey }),
    ...(config.servedModelNames === undefined ? {} : { servedModelNames: config.servedModelNames }),
    connectTimeoutMs: config.connectTimeoutSeconds * 1000,
    headersTimeoutMs: config.firstByteTimeoutSeconds * 1000,
    bodyTimeoutMs: config.idleTimeoutSeconds * 1000,
    retries: config.upstreamRetries,
    onWarning: (message, fields) => logger.warn({ ...fields }, message),
  });
}

/**
 * The embedded engine, loaded only when asked for: node-llama-cpp costs memory and start-up
 * time an upstream-only Ferry never needs. Without --model, the documented default model.
 */
async function loadEmbeddedEngine(config: FerryConfig, logger: Logger): Promise<Backend> {
  const model = config.model ?? defaultModel;
  if (config.model === undefined)
    logger.info(`no --upstream or --model given: running the default model ${model}`);
  const { loadEmbeddedBackend, describeSamplingDefaults } =
    await import('../backends/llama-cpp/load-embedded-model.js');
  const started = performance.now();
  const backend = await loadEmbeddedBackend({
    model,
    servedModelNames: config.servedModelNames,
    ctxSize: config.ctxSize,
    threads: config.threads,
    gpuLayers: config.gpuLayers,
    flashAttention: config.flashAttention,
    batchSize: config.batchSize,
    parallel: config.parallel,
    chatTemplate: config.chatTemplate,
    cacheDir: config.modelCacheDir ?? defaultModelCacheDir(),
    download: {
      tty: process.stdout.isTTY,
      writeLine: (line) => logger.info(line),
    },
    onLog: (level, message) => logger[level](`llama.cpp: ${message}`),
    onWarning: (message) => logger.warn(message),
  }).catch((error: unknown) => {
    throw config.model === undefined ? asDefaultModelError(error) : error;
  });
  logger.info(
    {
      model: (await backend.listModels())[0],
      contextSize: backend.contextSize,
      sequences: backend.engineLoad().sequences,
      flashAttention: backend.flashAttention,
      batchSize: backend.batchSize,
      loadMs: Math.round(performance.now() - started),
    },
    'embedded engine ready',
  );
  const sampling = describeSamplingDefaults(backend.samplingDefaults);
  if (sampling !== '') {
    logger.info(`sampling as the model recommends where a request sets none: ${sampling}`);
  }
  collectGarbage();
  return backend;
}

/**
 * The engine names problems after `--model`; with no `--model` given, that flag is not what
 * the user should look for. The error keeps its class and `code`.
 */
function asDefaultModelError(error: unknown): unknown {
  if (!(error instanceof ConfigError) || !error.message.startsWith('--model: ')) return error;
  const message = `the default model: ${error.message.slice('--model: '.length)}`.replace(
    /; pass a local path to a \.gguf file$/,
    '; pass a local path to a .gguf file with --model, or a model server with --upstream URL',
  );
  return renamed(error, message);
}

function defaultModelCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'ferry', 'models');
}

/** Where the settings came from: the flags given, and the config file if there was one. */
export interface SettingSource {
  flags: FerryConfigInput;
  configFile?: string | undefined;
}

/** The settings only the embedded engine reads. */
const engineSettings = [
  'ctxSize',
  'threads',
  'gpuLayers',
  'flashAttention',
  'batchSize',
  'parallel',
  'chatTemplate',
  'modelCacheDir',
] as const;

/**
 * Settings of the embedded engine that a configuration with an upstream sets anyway (the engine
 * applies their defaults, so a value means someone wrote it): they do nothing there, and a user
 * who tuned them should hear so, in the words they wrote: the flag, or the config file's key.
 */
export function ignoredEngineSettings(config: FerryConfig, source?: SettingSource): string[] {
  if (config.upstream === undefined) return [];
  const fromFile = (key: string): boolean =>
    source?.configFile !== undefined && !(key in source.flags);
  return engineSettings
    .filter((key) => config[key] !== undefined)
    .map((key) => (fromFile(key) ? `${key} (${source?.configFile})` : flagForConfigKey[key]!));
}

function warnAboutIgnoredSettings(
  config: FerryConfig,
  logger: Logger,
  source: SettingSource | undefined,
): void {
  const ignored = ignoredEngineSettings(config, source);
  if (ignored.length > 0) {
    logger.warn(
      `settings of the embedded engine are ignored with an upstream: ${ignored.join(', ')}`,
    );
  }
}

function warnAboutOpenBinding(config: FerryConfig, logger: Logger): void {
  if (!isLoopbackHost(config.host) && config.apiKey === undefined) {
    logger.warn(
      `binding ${config.host} without --api-key: anyone who can reach this port can use the model`,
    );
  }
}

/**
 * A socket Ferry cannot bind, named by the flag that chose it. The error keeps its `code`, so
 * `ferry claude` can still move off a port that something else holds.
 */
export function listenError(error: unknown, config: Pick<FerryConfig, 'host' | 'port'>): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${config.host}:${config.port}`;
  const message =
    code === 'EADDRINUSE'
      ? `--port: ${where} is already in use; pick another --port (0 for any free one)`
      : code === 'EACCES'
        ? `--port: not allowed to listen on ${where} (ports below 1024 need privileges)`
        : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
          ? `--host: ${config.host} is not an address of this machine`
          : undefined;
  return message === undefined ? error : Object.assign(new ConfigError(message), { code });
}
