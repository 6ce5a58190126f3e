import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Secrets (client and upstream keys) replaced by `[redacted]` wherever they appear. */
  secrets?: readonly string[];
  /** Where lines go; defaults to stderr so stdout stays free for command output. */
  destination?: NodeJS.WritableStream;
}

/**
 * One JSON line per event. Header paths that carry keys are redacted by name, and every
 * configured secret is also scrubbed from message strings (an upstream may echo a key back
 * in an error message).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  // A line is JSON: a key with a quote or backslash in it appears there escaped.
  const secrets = (options.secrets ?? [])
    .filter((secret) => secret.length >= 4)
    .flatMap((secret) => [...new Set([JSON.stringify(secret).slice(1, -1), secret])]);
  return pino(
    {
      level: options.level ?? 'info',
      base: null,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-api-key"]',
          'headers.authorization',
          'headers["x-api-key"]',
          'apiKey',
          'upstreamApiKey',
        ],
        censor: '[redacted]',
      },
      hooks: secrets.length === 0 ? {} : { streamWrite: (line) => scrub(line, secrets) },
    },
    (options.destination ?? process.stderr) as pino.DestinationStream,
  );
}

function scrub(line: string, secrets: readonly string[]): string {
  let result = line;
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join('[redacted]');
  }
  return result;
}
