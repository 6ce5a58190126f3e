import type { z } from 'zod';
import { ApiError } from './api-error.js';

interface Block {
  type: string;
  text?: string;
}

interface RuleMessage {
  role: string;
  /** Optional only on a system message. */
  content?: string | readonly Block[] | undefined;
  clear_at?: unknown;
  output_config?: { effort?: string | null | undefined } | null | undefined;
}

interface RuleInput {
  system?: string | readonly Block[] | undefined;
  messages: readonly RuleMessage[];
  tools?: ReadonlyArray<{ name: string; input_schema?: Record<string, unknown> }> | undefined;
  thread?: { type: string } | null | undefined;
}

/** What Anthropic's API accepts as a custom tool's name. */
const toolNamePattern = /^[a-zA-Z0-9_-]{1,128}$/;

/**
 * Rules Anthropic's API enforces across fields, which a field-by-field schema cannot say; each
 * becomes the same 400 Anthropic answers with, so a client's bug shows here as it would there.
 */
export function checkRequestRules(request: RuleInput, context: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string): void =>
    context.addIssue({ code: 'custom', path, message });
  const names = new Set<string>();
  request.tools?.forEach((tool, i) => {
    // A custom tool (one with a schema); Anthropic's own tools have fixed names.
    if (tool.input_schema !== undefined && !toolNamePattern.test(tool.name))
      issue(['tools', i, 'name'], `String should match pattern '${toolNamePattern.source}'`);
    if (names.has(tool.name)) issue(['tools', i, 'name'], 'Tool names must be unique.');
    names.add(tool.name);
    if (tool.input_schema !== undefined && tool.input_schema.type !== 'object')
      issue(['tools', i, 'input_schema', 'type'], "Input should be 'object'");
  });
  if (hasEmptyTextBlock(request.system)) issue(['system'], 'text content blocks must be non-empty');
  else if (hasBlankTextBlock(request.system))
    issue(['system'], 'text content blocks must contain non-whitespace text');
  // A thread's continue may send none: the kept conversation supplies them (the SDK continues
  // with `messages: []` after a `compaction` or `pause_turn` stop, see its ThreadState).
  if (request.messages.length === 0 && request.thread?.type !== 'continue')
    issue(['messages'], 'at least one message is required');
  const last = request.messages.length - 1;
  let emptyTextSeen = false;
  let blankTextSeen = false;
  request.messages.forEach((message, i) => {
    if (message.role === 'system') return checkSystemMessage(message, i, issue);
    // Anthropic names no index here, and says each once.
    if (!emptyTextSeen && hasEmptyTextBlock(message.content)) {
      emptyTextSeen = true;
      issue(['messages'], 'text content blocks must be non-empty');
    } else if (!blankTextSeen && hasBlankTextBlock(message.content)) {
      blankTextSeen = true;
      issue(['messages'], 'text content blocks must contain non-whitespace text');
    }
    if (message.clear_at !== undefined)
      issue(['messages', i, 'clear_at'], 'clear_at is only permitted on role: "system" messages');
    const content = message.content ?? '';
    const prefill = i === last && message.role === 'assistant';
    if (content.length === 0 && !prefill) {
      issue(
        ['messages', i],
        'all messages must have non-empty content except for the optional final assistant message',
      );
    }
    if (prefill && endsWithWhitespace(content))
      issue(['messages', i], 'final assistant content cannot end with trailing whitespace');
  });
}

/** A system message may be empty when it only sets the effort of later turns. */
function checkSystemMessage(
  message: RuleMessage,
  i: number,
  issue: (path: PropertyKey[], message: string) => void,
): void {
  if ((message.content?.length ?? 0) > 0 || message.output_config?.effort != null) return;
  issue(
    ['messages', i],
    'a system message needs non-empty content, or an effort in output_config (a per-turn effort change)',
  );
}

function hasEmptyTextBlock(content: RuleMessage['content']): boolean {
  return typeof content === 'object' && content.some((b) => b.type === 'text' && b.text === '');
}

/** A text block of whitespace only (an empty one is the other rule's). */
function hasBlankTextBlock(content: RuleMessage['content']): boolean {
  return (
    typeof content === 'object' &&
    content.some((b) => b.type === 'text' && b.text !== '' && !/\S/.test(b.text ?? ''))
  );
}

function endsWithWhitespace(content: string | readonly Block[]): boolean {
  const text = typeof content === 'string' ? content : (content.at(-1)?.text ?? '');
  return /\s$/.test(text);
}

/**
 * `max_tokens` must exceed a thinking budget, except under the interleaved-thinking beta, where
 * the budget covers every thinking block of a turn and may exceed it (Claude Code sends that
 * beta on every request). The beta is a header, so this is checked where headers are known.
 */
export function checkThinkingBudget(
  request: { max_tokens: number; thinking?: { type: string; budget_tokens?: number } | undefined },
  betas: string | string[] | undefined,
): void {
  const { thinking } = request;
  if (thinking?.type !== 'enabled' || thinking.budget_tokens === undefined) return;
  if (thinking.budget_tokens < request.max_tokens) return;
  if (String(betas ?? '').includes('interleaved-thinking-')) return;
  throw new ApiError(
    'invalid_request_error',
    'max_tokens: must be greater than thinking.budget_tokens',
  );
}
