import type { Backend } from '../backends/backend.js';
import type { FerryConfig } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { allowYoungGenerationGrowth } from './limit-memory-growth.js';
import { ferryVersionLine } from './ferry-version.js';
import { nameSettingSource } from './name-setting-source.js';
import { parseServeArgs } from './parse-serve-args.js';
import { flagForConfigKey, serveUsage } from './serve-flags.js';
import { secretsOf, startFerryFromConfig } from './start-ferry-from-config.js';
import { waitForShutdownSignal } from './wait-for-shutdown-signal.js';

/**
 * Measured at 64 Claude-Code streams (docs/benchmarks.md, "Memory"): V8's default 16 MB gave
 * the same throughput as 8 MB for ~20 MB more RSS; 4 MB and less cost 5–25% of throughput.
 */
const gatewaySemiSpaceMb = 8;

/** `ferry serve`: load settings, build the backend, listen, and shut down cleanly on signals. */
export async function serveCommand(argv: readonly string[]): Promise<number> {
  const args = parseServeArgs(argv);
  if (args.help) {
    process.stdout.write(serveUsage);
    return 0;
  }
  if (args.version) {
    process.stdout.write(ferryVersionLine());
    return 0;
  }
  const config = await loadConfig(args.flags, args.configFile, flagForConfigKey);
  // A gateway's requests are short-lived garbage in bulk; the embedded engine's are not (its
  // memory figure is the one that counts there), so only the gateway gets the larger nursery.
  if (config.upstream !== undefined) allowYoungGenerationGrowth(gatewaySemiSpaceMb);
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const ferry = await startFerryFromConfig(config, logger, args).catch((error: unknown) => {
    throw nameSettingSource(error, args.flags, args.configFile, flagForConfigKey);
  });
  logger.info(
    { url: ferry.server.url, upstream: config.upstream },
    `Ferry listening on ${ferry.server.url}`,
  );
  void describeModels(ferry.backend, logger, config);
  const signal = await waitForShutdownSignal();
  const graceMs = config.shutdownGraceSeconds * 1000;
  logger.info(`${signal}: finishing in-flight requests (up to ${graceMs} ms), then exiting`);
  await ferry.close(graceMs);
  return 0;
}

async function describeModels(
  backend: Backend,
  logger: Logger,
  config: Pick<FerryConfig, 'aliases' | 'modelParsers'>,
): Promise<void> {
  // No deadline of its own: the upstream's model list has one (10 s), which the first requests
  // share, and an error then names the upstream rather than an abort.
  try {
    const models = await backend.listModels();
    logger.info({ models }, 'serving models');
    // Checked here, not refused: an upstream may list a model later than Ferry starts.
    for (const [pattern, target] of Object.entries(config.aliases ?? {}))
      if (!models.includes(target))
        logger.warn(
          `aliases: '${pattern}' → '${target}', which is not served (served: ${models.join(', ')}); requests for it will fail`,
        );
    for (const model of Object.keys(config.modelParsers ?? {}))
      if (!models.includes(model))
        logger.warn(
          `modelParsers: '${model}' is not served (served: ${models.join(', ')}); its parsers apply to no request`,
        );
    const { names = [], engineModels = [] } = (await backend.servedNamesNotFound?.()) ?? {};
    for (const name of names)
      logger.warn(
        `--served-model-name ${name}: the upstream serves no model of that name (it serves: ${engineModels.join(', ') || 'none'}); requests for it will fail. A name the upstream does not know renames its model only when it serves one`,
      );
  } catch (error) {
    logger.warn(`the upstream did not list its models yet: ${(error as Error).message}`);
  }
}
