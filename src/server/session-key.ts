import type { IncomingHttpHeaders } from 'node:http';

/**
 * A key stable for one conversation: Claude Code's session header, else the client's
 * `metadata.user_id`. Routers keep a session on one replica so its prefix cache hits.
 */
export function sessionKey(
  headers: IncomingHttpHeaders,
  userId: string | null | undefined,
): string | undefined {
  const header = headers['x-claude-code-session-id'];
  if (typeof header === 'string' && header !== '') return header;
  return userId ?? undefined;
}
