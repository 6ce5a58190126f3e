import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { configSchema, type FerryConfig, type FerryConfigInput } from './config-schema.js';
import { ConfigError } from './config-error.js';

/**
 * The effective configuration: the YAML file (if any) overridden by flags. Every problem names
 * where it came from: `--port`, or `ferry.yaml: aliases.haiku`.
 */
export async function loadConfig(
  flags: FerryConfigInput,
  configFile: string | undefined,
  flagNames: Readonly<Record<string, string>> = {},
): Promise<FerryConfig> {
  const fromFile = configFile === undefined ? {} : await readConfigFile(configFile);
  const result = configSchema.safeParse({ ...fromFile, ...flags });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ConfigError(describeIssue(issue, flags, flagNames, configFile));
}

async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `--config: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  // Loaded only when a file is given: the YAML parser costs memory a plain `serve` never needs.
  const { parse: parseYaml } = await import('yaml');
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (parsed == null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`${file}: expected a mapping of settings at the top level`);
  }
  return parsed as Record<string, unknown>;
}

function describeIssue(
  issue: z.core.$ZodIssue | undefined,
  flags: FerryConfigInput,
  flagNames: Readonly<Record<string, string>>,
  configFile: string | undefined,
): string {
  if (issue === undefined) return 'invalid configuration';
  const key = String(issue.path[0] ?? '');
  const detail =
    issue.code === 'unrecognized_keys' ? `unknown setting ${issue.keys.join(', ')}` : issue.message;
  if (key in flags && flagNames[key] !== undefined) return `${flagNames[key]}: ${detail}`;
  const where = configFile ?? 'configuration';
  const path = issue.path.map(String).join('.');
  return path === '' ? `${where}: ${detail}` : `${where}: ${path}: ${detail}`;
}
