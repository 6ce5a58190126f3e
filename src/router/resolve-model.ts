/**
 * Which served model a requested id means. Claude Code sends its own ids (`claude-opus-5-5`,
 * `claude-sonnet-…[1m]`) unless told otherwise, and users set names with `/` in them; all of
 * them must land on a served model.
 *
 * Order: an exact served name; an alias whose key equals the id; a family alias (`opus`,
 * `sonnet`, `haiku`) matching a Claude id of that family; a glob alias (`claude-*`), in config
 * order; finally any `claude-*` id goes to the first served model that is not an embedding
 * model (Ollama and LM Studio list every model pulled, the last used first). A name without a
 * tag is its `:latest` (Ollama's convention: `qwen3-coder` is `qwen3-coder:latest`).
 */
export function resolveModel(
  requested: string,
  served: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): string | undefined {
  const id = stripContextSuffix(requested);
  if (served.includes(id)) return id;
  if (!id.includes(':') && served.includes(`${id}:latest`)) return `${id}:latest`;
  const exact = aliases[id];
  if (exact !== undefined) return exact;
  const entries = Object.entries(aliases);
  const family = entries.find(([key]) => isFamilyKey(key) && isClaudeFamily(id, key));
  if (family !== undefined) return family[1];
  const glob = entries.find(([key]) => key.includes('*') && globToRegExp(key).test(id));
  if (glob !== undefined) return glob[1];
  if (!id.startsWith('claude-')) return undefined;
  return served.find((name) => !embeddingModel.test(name)) ?? served[0];
}

/** Names of embedding models, which cannot answer a chat (nomic-embed-text, bge-m3, …). */
const embeddingModel = /embed|\bbge-|\be5-|minilm/i;

/** Claude Code marks long-context variants with a `[1m]` suffix. */
function stripContextSuffix(id: string): string {
  return id.replace(/\[[^\]]*\]$/, '');
}

const families = new Set(['opus', 'sonnet', 'haiku', 'fable', 'mythos']);

function isFamilyKey(key: string): boolean {
  return families.has(key);
}

function isClaudeFamily(id: string, family: string): boolean {
  return id.startsWith('claude-') && id.split('-').includes(family);
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}
