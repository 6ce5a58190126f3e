import { normalizeUpstreamUrl } from '../backends/openai-compatible/normalize-upstream-url.js';
import type { FerryConfig } from './config-schema.js';

/** How an error names a setting: as the user wrote it, a flag or a key of the config file. */
export interface SettingNames {
  /** `--model`, or `model` when it came from the file. */
  name(key: keyof FerryConfig): string;
  /** What a line about the setting begins with: `--model`, or `ferry.yaml: model`. */
  where(key: keyof FerryConfig): string;
}

/** Settings that each work alone but not together, a line each. */
export function findSettingConflicts(config: FerryConfig, names: SettingNames): string[] {
  const problems: string[] = [];
  if (config.upstream !== undefined && config.model !== undefined)
    problems.push(
      `${names.where('model')}: give either ${names.name('upstream')} or ${names.name('model')}, not both`,
    );
  // Both would be the upstream's Authorization header: which one is meant is the user's to say.
  if (config.upstreamApiKey !== undefined && hasCredentials(config.upstream))
    problems.push(
      `${names.where('upstreamApiKey')}: give either it or a user:password@ in ${names.name('upstream')}, not both`,
    );
  return problems;
}

function hasCredentials(url: string | undefined): boolean {
  return url !== undefined && 'credentials' in normalizeUpstreamUrl(url);
}
