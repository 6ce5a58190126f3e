/** A setting that cannot work, named by where it came from (`--port`, `ferry.yaml: aliases`). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
