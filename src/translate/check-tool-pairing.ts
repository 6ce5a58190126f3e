import type { RequestMessage } from '../protocol/messages-request-schema.js';
import { ApiError } from '../protocol/api-error.js';

/**
 * Anthropic's rule for tool history, checked as its API checks it: every `tool_use` of an
 * assistant turn is answered by a `tool_result` in the next turn, and every `tool_result`
 * answers a `tool_use` of the turn before. Consecutive messages of one role are one turn, as
 * Anthropic combines them; Claude Code's mid-conversation `role: "system"` messages sit
 * outside the turns. A final assistant turn has no next turn yet (a prefill), so its calls are
 * not checked. A `tool_use` id may occur only once in the whole request, and be answered once.
 *
 * Why here: an OpenAI-compatible engine given an unanswered call or a stray result either
 * fails with an error about its own chat template or renders a prompt that silently lost the
 * pairing; the client should get the same 400 it would get from Anthropic, word for word:
 * Claude Code recognises these messages and reports them as a broken tool history.
 */
export function checkToolPairing(messages: readonly RequestMessage[]): void {
  let turn: Turn | undefined;
  let previous: Turn | undefined;
  const seenCalls = new Set<string>();
  const close = (): void => {
    if (turn?.role === 'user') checkAnswers(previous, turn);
    previous = turn;
    turn = undefined;
  };
  messages.forEach((message, index) => {
    if (message.role === 'system') return;
    if (turn !== undefined && turn.role !== message.role) close();
    const current: Turn = (turn ??= { role: message.role, calls: new Map(), results: [] });
    if (typeof message.content === 'string') return;
    message.content.forEach((block, j) => {
      if (block.type === 'tool_use') {
        if (seenCalls.has(block.id)) throw duplicateCallError(`messages.${index}.content.${j}`);
        seenCalls.add(block.id);
        current.calls.set(block.id, index);
      } else if (block.type === 'tool_result') {
        current.results.push({ id: block.tool_use_id, path: `messages.${index}.content.${j}` });
      }
    });
  });
  close();
}

interface Turn {
  role: 'user' | 'assistant';
  /** tool_use id → index of the message that holds it. */
  calls: Map<string, number>;
  results: Array<{ id: string; path: string }>;
}

function checkAnswers(assistant: Turn | undefined, user: Turn): void {
  const answered = new Set<string>();
  for (const result of user.results) {
    if (assistant?.calls.has(result.id) !== true) throw strayResultError(result.path, result.id);
    if (answered.has(result.id)) throw duplicateResultError(result.path, result.id);
    answered.add(result.id);
  }
  if (assistant === undefined) return;
  const unanswered = [...assistant.calls.keys()].filter((id) => !answered.has(id));
  if (unanswered.length > 0) {
    throw unansweredError(assistant.calls.get(unanswered[0]!)!, unanswered);
  }
}

function unansweredError(index: number, ids: readonly string[]): ApiError {
  return new ApiError(
    'invalid_request_error',
    `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${ids.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
  );
}

function strayResultError(path: string, id: string): ApiError {
  return new ApiError(
    'invalid_request_error',
    `${path}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
  );
}

function duplicateResultError(path: string, id: string): ApiError {
  return new ApiError(
    'invalid_request_error',
    `${path}: each tool_use must have a single result. Found multiple \`tool_result\` blocks with id: ${id}`,
  );
}

function duplicateCallError(path: string): ApiError {
  return new ApiError('invalid_request_error', `${path}: \`tool_use\` ids must be unique`);
}
