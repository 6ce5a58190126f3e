import { ConfigError } from '../config/config-error.js';
import type { FerryConfigInput } from '../config/config-schema.js';

/**
 * Errors from deeper down (the engine loader, the parser registry) name the flag
 * (`--model: no such file …`). When the setting came from the config file instead, they name
 * the file and its key, which is what the user wrote. The error keeps its `code`.
 */
export function nameSettingSource(
  error: unknown,
  flags: FerryConfigInput,
  configFile: string | undefined,
  flagForConfigKey: Readonly<Record<string, string>>,
): unknown {
  if (!(error instanceof ConfigError) || configFile === undefined) return error;
  // Settings only a file can hold (modelParsers) come named by their key alone.
  if (error.message.startsWith('modelParsers.'))
    return renamed(error, `${configFile}: ${error.message}`);
  const flag = /^(--[a-z-]+)([: ])/.exec(error.message);
  if (flag === null) return error;
  const key = Object.keys(flagForConfigKey).find((name) => flagForConfigKey[name] === flag[1]);
  if (key === undefined || key in flags) return error;
  const rest = error.message.slice(flag[1]!.length).replace(/^:?\s*/, '');
  return renamed(error, `${configFile}: ${key}: ${rest}`);
}

/** The same error worded as `message`, keeping its `code`. */
export function renamed(error: ConfigError, message: string): ConfigError {
  const { code } = error as NodeJS.ErrnoException;
  const named = new ConfigError(message);
  return code === undefined ? named : Object.assign(named, { code });
}
