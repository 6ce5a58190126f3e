import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../protocol/api-error.js';

/**
 * Checks the client's key in constant time: both sides are hashed first, so neither the key's
 * length nor its content leaks through timing. Accepts `x-api-key` (the SDK's default) and
 * `Authorization: Bearer` (what Claude Code sends with ANTHROPIC_AUTH_TOKEN).
 */
export function createApiKeyCheck(apiKey: string): (headers: IncomingHttpHeaders) => void {
  const expected = digest(apiKey);
  return (headers) => {
    const given = presentedKey(headers);
    if (given === undefined) {
      throw new ApiError('authentication_error', 'x-api-key header is required');
    }
    if (!timingSafeEqual(digest(given), expected)) {
      throw new ApiError('authentication_error', 'invalid x-api-key');
    }
  };
}

function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const authorization = headers.authorization;
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(authorization);
  return match?.[1]?.trim();
}

function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer'); // one-shot: half the cost of a Hash object
}
