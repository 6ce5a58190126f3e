import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { FerryConfig } from '../config/config-schema.js';
import { defaultModel } from '../config/default-model.js';

/**
 * A short fingerprint of where a configuration's tokens come from (the upstream, or the model
 * the embedded engine runs), which a running Ferry reports on its health probe. `ferry claude`
 * compares it with its own, so a Ferry already on the port serving something else is not
 * mistaken for the one asked for. Credentials are left out, and only a hash is shown, because
 * the probe needs no key.
 */
export function backendIdentity(config: Pick<FerryConfig, 'upstream' | 'model'>): string {
  const source =
    config.upstream === undefined
      ? `model:${modelSource(config.model ?? defaultModel)}`
      : `upstream:${upstreamSource(config.upstream)}`;
  return createHash('sha256').update(source).digest('hex').slice(0, 16);
}

/** The same server however it is written: no credentials, no trailing `/` or `/v1`. */
function upstreamSource(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  parsed.hash = '';
  return parsed.href.replace(/\/+$/, '').replace(/\/v1$/, '');
}

/** A file by its absolute path; `hf:` and URL sources as written. */
function modelSource(model: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(model) ? model : resolve(model);
}
