import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { configSchema, type FerryConfig, type FerryConfigInput } from './config-schema.js';
import { ConfigError } from './config-error.js';
import { findSettingConflicts, type SettingNames } from './find-setting-conflicts.js';
import { describeFileError } from '../util/describe-file-error.js';

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
  const merged = { ...withoutOtherBackend(fromFile, flags), ...flags };
  const settings = expandPaths(merged, configFile, flags);
  const result = configSchema.safeParse(settings);
  const names = settingNames(flags, flagNames, configFile);
  // Every problem at once, a line each: fixing a config file one error per run is slow.
  const lines = result.success
    ? findSettingConflicts(result.data, names)
    : result.error.issues.map((issue) =>
        describeIssue(issue, valueAt(settings, issue.path), names, configFile),
      );
  if (result.success && lines.length === 0) return result.data;
  throw new ConfigError(lines.length === 0 ? 'invalid configuration' : lines.join('\n'));
}

/** A setting named as the user wrote it: its flag when a flag set it, else its key in the file. */
function settingNames(
  flags: FerryConfigInput,
  flagNames: Readonly<Record<string, string>>,
  configFile: string | undefined,
): SettingNames {
  const flag = (key: string) => (key in flags ? flagNames[key] : undefined);
  return {
    name: (key) => flag(key) ?? key,
    where: (key) => flag(key) ?? `${configFile ?? 'configuration'}: ${key}`,
  };
}

async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  if (file === '') throw new ConfigError('--config: expected a non-empty value');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`--config: cannot read ${file}: ${describeFileError(error)}`);
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
  issue: z.core.$ZodIssue,
  value: unknown,
  names: SettingNames,
  configFile: string | undefined,
): string {
  const detail = issueDetail(issue, value);
  const path = issue.path.map(String);
  const key = path[0] as keyof FerryConfig | undefined;
  const file = configFile ?? 'configuration';
  if (key === undefined) return `${file}: ${detail}`;
  // A flag stands for its whole setting (`--cors-origin`); in the file, the path is named.
  const flag = names.name(key);
  return flag !== key ? `${flag}: ${detail}` : `${file}: ${path.join('.')}: ${detail}`;
}

/** A URL's password is not repeated in an error (it may be read over a shoulder or in a log). */
function withoutPassword(value: string): string {
  return value.replace(/(\/\/[^/@:\s]*:)[^/@\s]*@/, '$1***@');
}

/** What is wrong, in words a user reads (not zod's `<=65535`), and the value given. */
function issueDetail(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === '') return 'expected a non-empty value';
  const got =
    value === undefined
      ? ''
      : `, got ${typeof value === 'string' ? `'${withoutPassword(value)}'` : JSON.stringify(value)}`;
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown setting ${issue.keys.join(', ')}`;
    case 'too_small':
      if (issue.origin !== 'number') break;
      return `expected ${issue.inclusive === false ? 'more than' : 'at least'} ${String(issue.minimum)}${got}`;
    case 'too_big':
      if (issue.origin !== 'number') break;
      return `expected ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}${got}`;
    case 'invalid_type':
      return `expected ${issue.expected}${got}`;
    case 'invalid_value':
      return `expected ${issue.values.map(String).join(', ')}${got}`;
    case 'invalid_union': // the schema's own message (gpuLayers)
    case 'invalid_format':
    case 'invalid_element':
    case 'invalid_key':
    case 'not_multiple_of':
    case 'custom':
  }
  return `${issue.message}${got}`;
}

function valueAt(settings: Record<string, unknown>, path: readonly PropertyKey[]): unknown {
  let value: unknown = settings;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Flags win over the file, also in which backend to use: `--model` replaces the file's
 * `upstream` and `--upstream` its `model`, rather than the two clashing.
 */
function withoutOtherBackend(
  fromFile: Record<string, unknown>,
  flags: FerryConfigInput,
): Record<string, unknown> {
  const rest = { ...fromFile };
  if (flags.model !== undefined) delete rest.upstream;
  if (flags.upstream !== undefined) delete rest.model;
  return rest;
}

/** Settings that name files or directories (a `model` may also be a URI). */
const pathKeys = ['model', 'chatTemplate', 'modelCacheDir'] as const;

/**
 * `~/` means the home directory, as in a shell (the docs' own example writes
 * `modelCacheDir: ~/.cache/ferry/models`; left alone it made a directory named `~`). A relative
 * path in the config file is relative to the file, so a config works from any directory; a
 * flag's stays relative to where the command runs. URIs (`hf:…`, `https://…`) and inline
 * templates are not paths.
 */
function expandPaths(
  settings: Record<string, unknown>,
  configFile: string | undefined,
  flags: FerryConfigInput,
): Record<string, unknown> {
  const out = { ...settings };
  for (const key of pathKeys) {
    const value = out[key];
    if (typeof value !== 'string' || !looksLikePath(value)) continue;
    let path = value === '~' || value.startsWith('~/') ? homedir() + value.slice(1) : value;
    const fromFile = configFile !== undefined && flags[key] === undefined;
    if (fromFile && !isAbsolute(path)) path = resolve(dirname(configFile), path);
    out[key] = path;
  }
  return out;
}

function looksLikePath(value: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(value) && !value.includes('{{') && !value.includes('{%');
}
