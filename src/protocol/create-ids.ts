import { randomFillSync } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const idLength = 22;

// Every request takes two ids (request and message): one random fill for a few hundred ids
// instead of a buffer allocation and a fill per id (randomBytes was ~1% of Ferry's CPU).
const pool = Buffer.alloc(idLength * 256);
let offset = pool.length;

/** Anthropic-style ids: a prefix and 24 base62 characters (`msg_…`, `toolu_…`, `req_…`). */
export function createId(prefix: 'msg' | 'toolu' | 'req'): string {
  if (offset + idLength > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  let id = `${prefix}_01`;
  for (let i = offset; i < offset + idLength; i++) id += alphabet[(pool[i] ?? 0) % alphabet.length];
  offset += idLength;
  return id;
}
