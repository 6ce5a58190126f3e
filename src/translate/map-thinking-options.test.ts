import { expect, test } from 'vitest';
import type { MessagesRequest } from '../protocol/messages-request-schema.js';
import { hidesThinking, mapThinkingOptions } from './map-thinking-options.js';

type Effort = NonNullable<MessagesRequest['output_config']>['effort'];

test.each<{ thinking: MessagesRequest['thinking']; effort: Effort; expected: unknown }>([
  { thinking: undefined, effort: undefined, expected: {} },
  { thinking: undefined, effort: 'high', expected: { reasoning_effort: 'high' } },
  {
    thinking: { type: 'enabled', budget_tokens: 2048 },
    effort: undefined,
    expected: {
      reasoning_effort: 'low',
      chat_template_kwargs: { enable_thinking: true, thinking: true },
    },
  },
  {
    thinking: { type: 'enabled', budget_tokens: 10000 },
    effort: undefined,
    expected: {
      reasoning_effort: 'medium',
      chat_template_kwargs: { enable_thinking: true, thinking: true },
    },
  },
  {
    thinking: { type: 'enabled', budget_tokens: 32000 },
    effort: 'low',
    expected: {
      reasoning_effort: 'low',
      chat_template_kwargs: { enable_thinking: true, thinking: true },
    },
  },
  {
    thinking: { type: 'disabled' },
    effort: 'high',
    expected: { chat_template_kwargs: { enable_thinking: false, thinking: false } },
  },
  {
    thinking: { type: 'adaptive', display: 'omitted' },
    effort: 'high',
    expected: { reasoning_effort: 'high' },
  },
  { thinking: { type: 'adaptive' }, effort: 'max', expected: { reasoning_effort: 'high' } },
  { thinking: { type: 'adaptive' }, effort: 'xhigh', expected: { reasoning_effort: 'high' } },
  { thinking: { type: 'adaptive' }, effort: null, expected: {} },
  // Anthropic: thinking off, short progress notes between tool calls only.
  {
    thinking: { type: 'between_tools' },
    effort: 'low',
    expected: { chat_template_kwargs: { enable_thinking: false, thinking: false } },
  },
])('$thinking with effort $effort', ({ thinking, effort, expected }) => {
  expect(mapThinkingOptions(thinking, effort)).toEqual(expected);
});

test.each<{ thinking: MessagesRequest['thinking']; hides: boolean }>([
  { thinking: undefined, hides: true },
  { thinking: { type: 'disabled' }, hides: true },
  { thinking: { type: 'between_tools' }, hides: true },
  { thinking: { type: 'adaptive' }, hides: false },
  { thinking: { type: 'enabled', budget_tokens: 2048 }, hides: false },
])('a reply for $thinking hides thinking: $hides', ({ thinking, hides }) => {
  expect(hidesThinking(thinking)).toBe(hides);
});
