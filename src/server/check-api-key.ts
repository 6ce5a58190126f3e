import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../protocol/api-error.js';

/**
 * Checks the client's key in constant time: both sides are hashed first, so neither the key's
 * length nor its content leaks through timing. Accepts `x-api-key` (the SDK's default) and
 * `Authorization: Bearer` (what Claude Code sends with ANTHROPIC_AUTH_TOKEN). A wrong key is
 * refused in Anthropic's words for the header it came in: `invalid x-api-key`, or
 * `Invalid bearer token` (Claude Code shows either as a failed authentication).
 */
export function createApiKeyCheck(apiKey: string): (headers: IncomingHttpHeaders) => void {
  const expected = digest(apiKey);
  return (headers) => {
    const given = presentedKey(headers);
    if (given === undefined) {
      throw new ApiError('authentication_error', 'x-api-key header is required');
    }
    if (!timingSafeEqual(digest(given.key), expected)) {
      const message = given.header === 'x-api-key' ? 'invalid x-api-key' : 'Invalid bearer token';
      throw new ApiError('authentication_error', message);
    }
  };
}

function presentedKey(
  headers: IncomingHttpHeaders,
): { key: string; header: 'x-api-key' | 'authorization' } | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return { key: header, header: 'x-api-key' };
  const authorization = headers.authorization;
  if (authorization === undefined) return undefined;
  const key = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
  return key === undefined ? undefined : { key, header: 'authorization' };
}

function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer'); // one-shot: half the cost of a Hash object
}
