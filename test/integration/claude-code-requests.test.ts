import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { messagesRequestSchema } from '../../src/protocol/messages-request-schema.js';
import { buildModelRequest } from '../../src/translate/build-model-request.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/claude-code/${name}`, import.meta.url), 'utf8'));

function translate(turn: number) {
  const captured = fixture(`request-${turn}.json`) as { body: unknown };
  const body = messagesRequestSchema.parse(captured.body);
  return buildModelRequest(body, { model: 'my-model' }).chat;
}

describe('captured Claude Code requests', () => {
  test.each([2, 3])('turn %i translates to the reviewed upstream body', (turn) => {
    expect(translate(turn)).toEqual(fixture(`upstream-request-${turn}.json`));
  });

  test('the prompt of turn 3 begins with exactly the bytes of turn 2 (prefix caches hit)', () => {
    const [second, third] = [translate(2), translate(3)];
    const head = JSON.stringify(second.messages).slice(0, -1);
    expect(JSON.stringify(third.messages).startsWith(head)).toBe(true);
    expect(JSON.stringify(third.tools)).toBe(JSON.stringify(second.tools));
  });
});
