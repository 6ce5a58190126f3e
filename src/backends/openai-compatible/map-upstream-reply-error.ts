import { ApiError, type ApiErrorType } from '../../protocol/api-error.js';
import { isPlainObject } from '../../util/is-plain-object.js';
import { clientSafeUpstreamText } from './client-safe-upstream-text.js';
import { promptTooLongError } from './prompt-too-long-error.js';
import { promptFitsContext, readContextOverflow } from './read-context-overflow.js';

/**
 * The error an upstream reported inside a 200 reply (a stream chunk, an SSE `error` event, or
 * a JSON body), where any shape is met: `{"error":{"message","type","code"}}` with or without
 * each key (vLLM, llama-server), `{"error":"text"}` (TGI), a flat `{"object":"error",…}`
 * (vLLM ≤ 0.9), or plain text. The status an error names decides its type, as it would have
 * before the reply began; any other failure after the 200 is the upstream's (`api_error`). A
 * prompt that does not fit is Anthropic's "prompt is too long", as before the reply began (an
 * engine may check the context only once it has answered 200, or run out of it while
 * generating). Text a client may not see (a traceback, a path) stays in the error's `cause`,
 * which the operator's log line of the failure shows.
 */
export function mapUpstreamReplyError(error: unknown): ApiError {
  const { message, type, code } = describeError(error);
  const raw = message === undefined || message.trim() === '' ? 'unknown error' : message;
  const safe = clientSafeUpstreamText(raw);
  const cause = safe.shortened ? { cause: new Error(raw.slice(0, 8192)) } : {};
  // The error's other fields too: llama-server gives its counts as n_prompt_tokens and n_ctx.
  const fields = isPlainObject(error) ? `\n${JSON.stringify(error).slice(0, 4096)}` : '';
  const overflow = readContextOverflow(`${raw}${fields}`);
  // One whose counts show the prompt fits (max_tokens, or the output, did not) is no "prompt is
  // too long", which makes Claude Code compact a conversation for nothing.
  if (overflow !== undefined && (overflow.promptAlone || promptFitsContext(overflow) !== true))
    return promptTooLongError(overflow, safe.text, cause);
  return new ApiError(errorType(raw, type, code), `Upstream error: ${safe.text}`, cause);
}

/** A parsed reply that reports an error instead of content, and that error. */
export function replyError(json: unknown): unknown {
  if (!isPlainObject(json)) return undefined;
  if (json.error != null) return json.error;
  return json.object === 'error' ? json : undefined;
}

function describeError(error: unknown): { message?: string; type?: string; code?: number } {
  if (typeof error === 'string') return { message: error };
  if (!isPlainObject(error)) return {};
  const nested = isPlainObject(error.error) || typeof error.error === 'string';
  if (nested && typeof error.message !== 'string') return describeError(error.error);
  const code = Number(error.code ?? error.status);
  return {
    ...(typeof error.message === 'string' ? { message: error.message } : {}),
    ...(typeof error.type === 'string' ? { type: error.type } : {}),
    ...(Number.isInteger(code) ? { code } : {}),
  };
}

/** Words of a server that is busy, not of a request it refused ("too many tokens", "…images"). */
const overloadedWords = /overload|capacity|too many requests/i;

function errorType(
  message: string,
  type: string | undefined,
  code: number | undefined,
): ApiErrorType {
  if (code === 429) return 'rate_limit_error';
  if (code === 408 || code === 504) return 'timeout_error';
  const overloaded =
    code === 503 ||
    code === 529 ||
    type === 'ServiceUnavailableError' ||
    overloadedWords.test(message);
  return overloaded ? 'overloaded_error' : 'api_error';
}
