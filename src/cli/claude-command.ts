import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FerryConfig } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../observability/logger.js';
import { backendIdentity } from './backend-identity.js';
import { claudeEnvironment } from './claude-environment.js';
import { claudeNotFound, findClaudeCode } from './find-claude-code.js';
import { ferryVersionLine } from './ferry-version.js';
import { nameSettingSource } from './name-setting-source.js';
import { parseServeArgs } from './parse-serve-args.js';
import { AuthError, listFerryModels, probeFerry } from './probe-running-ferry.js';
import { flagForConfigKey } from './serve-flags.js';
import {
  secretsOf,
  startFerryFromConfig,
  type SettingSource,
  type StartedFerry,
} from './start-ferry-from-config.js';

export const claudeUsage = `Usage: ferry claude [serve options] [-- claude arguments]

Starts Claude Code wired to Ferry: uses the Ferry already listening on --host/--port (default
127.0.0.1:8000) if it serves the --upstream or --model given (any Ferry, with neither), or
starts one with the given options (--upstream URL, or --model PATH|URI for the embedded
engine; with neither, the default model), checks that the model answers, then runs Claude
Code with ANTHROPIC_BASE_URL, a key and the model variables set. Options are those of
ferry serve (ferry serve --help). Ferry's log goes to $FERRY_LOG_FILE (default
~/.cache/ferry/claude.log).

Examples:
  ferry claude --upstream http://127.0.0.1:8001/v1 -- -p "explain this repo"
  ferry claude --model hf:Qwen/Qwen2.5-Coder-7B-Instruct-GGUF:Q4_K_M
`;

/** `ferry claude`: the one-command path from a model server to a Claude Code session. */
export async function claudeCommand(argv: readonly string[]): Promise<number> {
  const args = parseServeArgs(argv, { allowRest: true });
  if (args.help) {
    process.stdout.write(claudeUsage);
    return 0;
  }
  if (args.version) {
    process.stdout.write(ferryVersionLine());
    return 0;
  }
  // Options first: a mistake in them is the user's to fix whether or not Claude Code is there.
  const config = await loadConfig(args.flags, args.configFile, flagForConfigKey);
  const claude = findClaudeCode();
  if (claude === undefined) return fail(claudeNotFound());
  const ferry = await useOrStartFerry(config, args).catch((error: unknown) => {
    throw nameSettingSource(error, args.flags, args.configFile, flagForConfigKey);
  });
  try {
    const served = await listFerryModels(ferry.url, config.apiKey).catch((error: unknown) => {
      if (error instanceof AuthError) throw error;
      throw new Error(
        `the model server is not answering through Ferry at ${ferry.url}: ${(error as Error).message}`,
      );
    });
    process.stderr.write(`ferry: Claude Code → ${ferry.url} (${served.join(', ')})\n`);
    const env = claudeEnvironment(process.env, {
      url: ferry.url,
      served,
      aliases: config.aliases,
      ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
    });
    return await runClaude(claude, args.rest, env);
  } catch (error) {
    return fail((error as Error).message);
  } finally {
    await ferry.started?.close(2000);
  }
}

async function useOrStartFerry(
  config: FerryConfig,
  source: SettingSource,
): Promise<{ url: string; started?: StartedFerry }> {
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const running = await probeFerry(url);
  // Any Ferry will do unless the options name a backend; then it must be that one.
  const named = config.upstream !== undefined || config.model !== undefined;
  if (running !== undefined && (!named || running.backend === backendIdentity(config))) {
    return { url };
  }
  const logFile = process.env.FERRY_LOG_FILE ?? join(homedir(), '.cache', 'ferry', 'claude.log');
  mkdirSync(dirname(logFile), { recursive: true });
  const logger = createLogger({
    level: config.logLevel,
    secrets: secretsOf(config),
    destination: createWriteStream(logFile, { flags: 'a' }),
  });
  if (running !== undefined) {
    process.stderr.write(
      `ferry: the Ferry on ${url} serves another backend; starting one for this session\n`,
    );
  }
  const started = await startFerryFromConfig(
    running === undefined ? config : { ...config, port: 0 },
    logger,
    source,
  ).catch(async (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startFerryFromConfig({ ...config, port: 0 }, logger, source); // the port belongs to something else
  });
  return { url: started.server.url, started };
}

function runClaude(
  executable: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, { stdio: 'inherit', env });
    // The terminal sends Ctrl-C to Claude Code too; Ferry stays up until Claude Code exits.
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? (signal === null ? 1 : 128 + 2));
    });
  });
}

function fail(message: string): number {
  process.stderr.write(`ferry: ${message}\n`);
  return 1;
}
