import { resolveModel } from '../router/resolve-model.js';

/** Model ids Claude Code would send for each tier when not told otherwise. */
const tiers = {
  ANTHROPIC_DEFAULT_OPUS_MODEL: 'claude-opus-5-5',
  ANTHROPIC_DEFAULT_SONNET_MODEL: 'claude-sonnet-5-5',
  ANTHROPIC_DEFAULT_HAIKU_MODEL: 'claude-haiku-5-5',
} as const;

/**
 * The environment that points Claude Code at Ferry: base URL, a key, and each model tier named
 * after the served model it resolves to (so Claude Code shows the real name). Variables the
 * user already set win.
 */
export function claudeEnvironment(
  base: NodeJS.ProcessEnv,
  ferry: {
    url: string;
    apiKey?: string;
    served: readonly string[];
    aliases: Readonly<Record<string, string>>;
  },
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    ANTHROPIC_BASE_URL: ferry.url,
    ANTHROPIC_API_KEY: ferry.apiKey ?? 'ferry',
    // Nothing to report to Anthropic from a self-hosted setup (telemetry, auto-update checks).
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: base.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC ?? '1',
  };
  delete env.ANTHROPIC_AUTH_TOKEN;
  for (const [variable, claudeId] of Object.entries(tiers)) {
    const model = resolveModel(claudeId, ferry.served, ferry.aliases);
    if (base[variable] === undefined && model !== undefined) env[variable] = model;
  }
  return env;
}
