import { expect, test } from 'vitest';
import { createApiKeyCheck } from './check-api-key.js';

const check = createApiKeyCheck('k1');

test.each([
  [{ 'x-api-key': 'k1' }, undefined],
  [{ authorization: 'Bearer k1' }, undefined],
  [{ authorization: 'bearer  k1 ' }, undefined],
  [{}, 'x-api-key header is required'],
  [{ authorization: 'Basic azE6' }, 'x-api-key header is required'],
  // Anthropic's own wording for each header, which Claude Code reports as a failed login.
  [{ 'x-api-key': 'k2' }, 'invalid x-api-key'],
  [{ authorization: 'Bearer k2' }, 'Invalid bearer token'],
  [{ 'x-api-key': 'k2', authorization: 'Bearer k1' }, 'invalid x-api-key'],
])('%j → %s', (headers, message) => {
  if (message === undefined) expect(() => check(headers)).not.toThrow();
  else expect(() => check(headers)).toThrow(expect.objectContaining({ status: 401, message }));
});
