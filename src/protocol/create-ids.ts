import { randomBytes } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Anthropic-style ids: a prefix and 24 base62 characters (`msg_…`, `toolu_…`, `req_…`). */
export function createId(prefix: 'msg' | 'toolu' | 'req'): string {
  const bytes = randomBytes(24);
  let id = `${prefix}_01`;
  for (const byte of bytes.subarray(2)) id += alphabet[byte % alphabet.length];
  return id;
}
