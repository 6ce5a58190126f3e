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
  const flag = /^(--[a-z-]+)([: ])/.exec(error.message);
  if (flag === null) return error;
  const key = Object.keys(flagForConfigKey).find((name) => flagForConfigKey[name] === flag[1]);
  if (key === undefined || key in flags) return error;
  const rest = error.message.slice(flag[1]!.length).replace(/^:?\s*/, '');
  const renamed = new ConfigError(`${configFile}: ${key}: ${rest}`);
  const { code } = error as NodeJS.ErrnoException;
  return code === undefined ? renamed : Object.assign(renamed, { code });
}
