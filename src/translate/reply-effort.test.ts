import { expect, test } from 'vitest';
import type { RequestEffort, RequestMessage } from '../protocol/messages-request-schema.js';
import { replyEffort } from './reply-effort.js';

const user: RequestMessage = { role: 'user', content: 'do it' };
const toolResults: RequestMessage = {
  role: 'user',
  content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'done' }],
};
const assistant: RequestMessage = { role: 'assistant', content: 'ok' };
const effort = (level: RequestEffort | null): RequestMessage => ({
  role: 'system',
  content: [],
  output_config: { effort: level },
});

test.each<[string, RequestMessage[], RequestEffort | undefined, RequestEffort | undefined]>([
  ['no change: the request’s', [user], 'high', 'high'],
  ['no change and no top-level effort', [user, assistant, user], undefined, undefined],
  ['right after a user turn: for the reply to it', [user, effort('low')], 'high', 'low'],
  [
    'between turns: from the next user turn on',
    [user, assistant, effort('low'), user],
    'high',
    'low',
  ],
  ['between turns, no user turn since: not yet', [user, assistant, effort('low')], 'high', 'high'],
  [
    'tool results are no new input: not yet',
    [user, assistant, effort('low'), toolResults],
    'high',
    'high',
  ],
  [
    'after tool results: waits for new input',
    [user, assistant, toolResults, effort('low'), assistant, user],
    'high',
    'low',
  ],
  [
    'the later change wins',
    [user, effort('low'), assistant, effort('max'), user],
    undefined,
    'max',
  ],
  ['a null effort changes nothing', [user, effort(null)], 'medium', 'medium'],
  [
    'after a text system message that follows the user turn',
    [user, { role: 'system', content: 'note' }, effort('low')],
    'high',
    'low',
  ],
])('%s', (_name, messages, topLevel, expected) => {
  expect(replyEffort(messages, topLevel === undefined ? undefined : { effort: topLevel })).toBe(
    expected,
  );
});
