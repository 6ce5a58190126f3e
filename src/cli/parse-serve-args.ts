import { parseArgs } from 'node:util';
import type { FerryConfigInput } from '../config/config-schema.js';
import { ConfigError } from '../config/config-error.js';
import { serveFlags } from './serve-flags.js';

export interface ServeArgs {
  help: boolean;
  /** `--version`: print Ferry's version and stop. */
  version: boolean;
  configFile?: string;
  flags: FerryConfigInput;
  /** Arguments after `--` (only where the command takes them). */
  rest: string[];
}

/**
 * Flags → config input. Unknown flags, stray words and malformed or empty values fail naming
 * the flag or the word.
 */
export function parseServeArgs(
  argv: readonly string[],
  options: { allowRest?: boolean } = {},
): ServeArgs {
  let values: ReturnType<typeof parseWith>['values'];
  let tokens: ReturnType<typeof parseWith>['tokens'];
  try {
    ({ values, tokens } = parseWith(argv, options.allowRest === true));
  } catch (error) {
    // Node's "ambiguous" message runs over three lines and ends with a hint ('--port=-XYZ')
    // that only fits negative numbers: one line, without it.
    let message = (error as Error).message.replace(/\.?\s*To specify .*$/s, '');
    // `ferry claude -p hi`: the user meant Claude Code's flag.
    if (options.allowRest === true && message.startsWith('Unknown option'))
      message += '; options for Claude Code go after --';
    throw new ConfigError(message.replace(/\s*\n\s*/g, ' '));
  }
  refuseEmptyValues(values);
  const rest = restAfterTerminator(tokens);
  const flags: FerryConfigInput = {
    ...defined('host', values.host),
    ...defined('port', values.port === undefined ? undefined : parsePort(values.port)),
    ...defined('upstream', values.upstream),
    ...defined('upstreamApiKey', values['upstream-api-key']),
    ...defined('servedModelNames', values['served-model-name']),
    ...defined('apiKey', values['api-key']),
    ...defined('corsOrigins', values['cors-origin']),
    ...defined('logLevel', values['log-level'] as FerryConfigInput['logLevel']),
    ...defined('toolCallParser', values['tool-call-parser']),
    ...defined('reasoningParser', values['reasoning-parser']),
    ...defined('model', values.model),
    ...defined('ctxSize', integerFlag('--ctx-size', values['ctx-size'])),
    ...defined('threads', integerFlag('--threads', values.threads)),
    ...defined('gpuLayers', gpuLayersFlag(values['gpu-layers'])),
    ...defined('flashAttention', flashAttentionFlag(values['flash-attn'])),
    ...defined('batchSize', integerFlag('--batch-size', values['batch-size'])),
    ...defined('parallel', integerFlag('--parallel', values.parallel)),
    ...defined('chatTemplate', values['chat-template']),
    ...defined('modelCacheDir', values['model-cache-dir']),
  };
  return {
    help: values.help === true,
    version: values.version === true,
    ...defined('configFile', values.config),
    flags,
    rest,
  };
}

function parseWith(argv: readonly string[], allowPositionals: boolean) {
  return parseArgs({
    args: joinNegativeValues(argv),
    options: serveFlags,
    strict: true,
    allowPositionals,
    tokens: true,
  });
}

/** `--host ''` (an unset shell variable, often): refused here, in words, for every flag. */
function refuseEmptyValues(values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    const empty = Array.isArray(value) ? value.includes('') : value === '';
    if (empty) throw new ConfigError(`--${name}: expected a non-empty value`);
  }
}

/**
 * The words after `--`. One before it is refused rather than passed on: only what follows
 * `--` is the other program's, and a word before it is most often a flag's value given twice
 * or a flag without its `--`.
 */
function restAfterTerminator(tokens: ReturnType<typeof parseWith>['tokens']): string[] {
  const terminator = tokens.findIndex((token) => token.kind === 'option-terminator');
  const words = (part: typeof tokens) =>
    part.flatMap((token) => (token.kind === 'positional' ? [token.value] : []));
  const [stray] = words(terminator === -1 ? tokens : tokens.slice(0, terminator));
  if (stray !== undefined)
    throw new ConfigError(
      `unexpected argument '${stray}': arguments for Claude Code go after --, as in ferry claude [options] -- ${stray}`,
    );
  return terminator === -1 ? [] : words(tokens.slice(terminator + 1));
}

/**
 * `--ctx-size -5` as `--ctx-size=-5`: Node's parser takes a value starting with `-` for a flag
 * and refuses it as ambiguous, where the user should hear what is wrong with the value itself.
 */
function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return [...out, ...argv.slice(i)];
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    const takesValue =
      name !== undefined &&
      (serveFlags as Record<string, { type: string }>)[name]?.type === 'string';
    if (takesValue && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function parsePort(value: string): number {
  if (!/^\d+$/.test(value))
    throw new ConfigError(`--port: expected a number from 0 to 65535, got '${value}'`);
  return Number(value);
}

function integerFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new ConfigError(`${flag}: expected a positive whole number, got '${value}'`);
  return Number(value);
}

function gpuLayersFlag(value: string | undefined): 'auto' | 'max' | number | undefined {
  if (value === undefined || value === 'auto' || value === 'max') return value;
  if (!/^\d+$/.test(value))
    throw new ConfigError(`--gpu-layers: expected a number of layers, auto or max, got '${value}'`);
  return Number(value);
}

function flashAttentionFlag(value: string | undefined): 'auto' | 'on' | 'off' | undefined {
  if (value === undefined || value === 'auto' || value === 'on' || value === 'off') return value;
  throw new ConfigError(`--flash-attn: expected auto, on or off, got '${value}'`);
}

function defined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
