import { ApiError } from '../../protocol/api-error.js';
import { promptFitsContext, type ContextOverflow } from './read-context-overflow.js';

/**
 * Anthropic's refusal of a prompt that does not fit, "prompt is too long: N tokens > M maximum",
 * which Claude Code recognises (and answers by compacting). Where the upstream did not count
 * the whole prompt, its own words (`detail`) stand in for the numbers.
 */
export function promptTooLongError(
  overflow: ContextOverflow,
  detail: string | undefined,
  options?: { cause?: unknown },
): ApiError {
  const numbers =
    promptFitsContext(overflow) === false
      ? `${overflow.promptTokens} tokens > ${overflow.contextLength} maximum`
      : undefined;
  return new ApiError(
    'invalid_request_error',
    `prompt is too long: ${numbers ?? detail ?? 'the prompt does not fit in the model context'}`,
    options,
  );
}
