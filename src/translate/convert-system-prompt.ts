import type { MessagesRequest } from '../protocol/messages-request-schema.js';

/**
 * Claude Code puts a per-request `x-anthropic-billing-header: ...` line in the system prompt.
 * It changes every request, so it would defeat every prefix cache; it means nothing upstream.
 */
const billingHeaderLine = /^x-anthropic-billing-header:.*(?:\r?\n|$)/gm;

/**
 * The Anthropic `system` field as one system-prompt string: text blocks joined with a blank
 * line (never glued), billing-header lines removed, empty blocks skipped.
 */
export function convertSystemPrompt(system: MessagesRequest['system']): string | undefined {
  if (system === undefined) return undefined;
  const texts = typeof system === 'string' ? [system] : system.map((block) => block.text);
  const kept = texts.map(removeBillingHeader).filter((text) => text.trim() !== '');
  return kept.length === 0 ? undefined : kept.join('\n\n');
}

function removeBillingHeader(text: string): string {
  return text.includes('x-anthropic-billing-header') ? text.replace(billingHeaderLine, '') : text;
}
