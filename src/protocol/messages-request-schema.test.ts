import { describe, expect, test } from 'vitest';
import { messagesRequestSchema } from './messages-request-schema.js';

const base = {
  model: 'claude-opus-5-5',
  max_tokens: 128000,
  messages: [{ role: 'user', content: 'hi' }],
};

describe('messagesRequestSchema thinking', () => {
  test.each([
    [{ type: 'adaptive' }],
    [{ type: 'adaptive', display: 'omitted' }],
    [{ type: 'adaptive', display: 'summarized' }],
    // Claude Code 2.1.328 with its own model ids (beta thinking-display-updates-2026-08-18).
    [{ type: 'adaptive', display: 'updates' }],
    [{ type: 'enabled', budget_tokens: 1024, display: 'updates' }],
  ])('accepts %j', (thinking) => {
    expect(messagesRequestSchema.parse({ ...base, thinking }).thinking).toEqual(thinking);
  });

  test('refuses a thinking budget under 1024 tokens, as Anthropic does', () => {
    const result = messagesRequestSchema.safeParse({
      ...base,
      thinking: { type: 'enabled', budget_tokens: 1023 },
    });
    expect(result.error?.issues[0]?.path).toEqual(['thinking', 'budget_tokens']);
  });

  test('still rejects an unknown thinking type', () => {
    expect(
      messagesRequestSchema.safeParse({ ...base, thinking: { type: 'sometimes' } }).success,
    ).toBe(false);
  });
});
