import { ApiError, type ApiErrorType } from '../../protocol/api-error.js';
import { parseJson } from '../../util/parse-json.js';
import { clientSafeUpstreamText } from './client-safe-upstream-text.js';
import { promptTooLongError } from './prompt-too-long-error.js';
import {
  promptFitsContext,
  readContextOverflow,
  type ContextOverflow,
} from './read-context-overflow.js';

export interface UpstreamFailure {
  error: ApiError;
  /**
   * The prompt fits but max_tokens does not: retry once with this many output tokens, or, where
   * the prompt's size is not known exactly, with none (`'rest-of-context'`: the engine then
   * generates until the context is full, which is less than was asked for).
   */
  retryWithMaxTokens?: number | 'rest-of-context';
  /** The upstream's whole error text, where the client's message leaves some of it out. */
  upstreamText?: string;
}

/** Where the failed request went, and what the request asked for. */
interface UpstreamErrorContext {
  /** max_tokens of the request, for a context-length failure's retry. */
  requestedMaxTokens?: number | undefined;
  /** The URL called: a 404 or 405 names it, as the URL itself is then the likely mistake. */
  url?: string;
}

/**
 * An upstream HTTP error as the Anthropic error a client understands. Context-length failures
 * become the 400 "prompt is too long: N tokens > M maximum" that Claude Code recognises (and
 * answers by compacting); a max_tokens that merely does not fit beside the prompt is retried.
 * Never forwards an HTML page, a stack trace or a path (see clientSafeUpstreamText).
 */
export function mapUpstreamError(
  status: number,
  body: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  { requestedMaxTokens, url }: UpstreamErrorContext = {},
): UpstreamFailure {
  const extracted = extractMessage(body);
  const safe = extracted === undefined ? undefined : clientSafeUpstreamText(extracted);
  const detail = safe?.text;
  const shortened = safe?.shortened === true ? { upstreamText: body.trim().slice(0, 8192) } : {};
  const overflow = readContextOverflow(`${extracted ?? ''}\n${body.slice(0, 4096)}`);
  if (overflow !== undefined) {
    // An engine that ran out of context while generating (llama-server's 500) is not retried.
    const asked = status < 500 ? requestedMaxTokens : undefined;
    return { ...contextFailure(overflow, detail, asked), ...shortened };
  }
  if (detail !== undefined && imagesRefused.test(detail)) {
    // A 400 with Anthropic's words: Claude Code then drops the image and retries, where any
    // other error made it resend the image until it gave up (also llama-server's 500).
    return {
      error: new ApiError(
        'invalid_request_error',
        `Could not process image: the upstream model does not accept images (${detail})`,
      ),
    };
  }
  const type = errorTypeForStatus(status);
  const retryAfter = headerValue(headers['retry-after']);
  const message = describe(status, type, detail, url);
  const options = retryAfter === undefined ? {} : { headers: { 'retry-after': retryAfter } };
  return { error: new ApiError(type, message, options), ...shortened };
}

/** How engines refuse images for a text-only model (vLLM, llama-server, LM Studio and others). */
const imagesRefused =
  /not a multimodal model|image input is not supported|does not support (?:image|vision)|images? (?:are|is) not supported|vision is not supported|at most 0 image/i;

function errorTypeForStatus(status: number): ApiErrorType {
  if (status === 400 || status === 422) return 'invalid_request_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 408 || status === 504) return 'timeout_error';
  if (status === 503 || status === 529) return 'overloaded_error';
  return 'api_error';
}

function describe(
  status: number,
  type: ApiErrorType,
  detail: string | undefined,
  url: string | undefined,
): string {
  if (status === 401 || status === 403) {
    return `The upstream rejected Ferry's credentials (HTTP ${status}); check --upstream-api-key`;
  }
  const prefix = type === 'overloaded_error' ? 'Upstream overloaded' : 'Upstream error';
  const where = url !== undefined && (status === 404 || status === 405) ? ` from ${url}` : '';
  return detail === undefined
    ? `${prefix} (HTTP ${status}${where})`
    : `${prefix} (HTTP ${status}${where}): ${detail}`;
}

/**
 * A prompt that does not fit is Anthropic's "prompt is too long: N tokens > M maximum". One that
 * fits without the output asked for is retried with the room left; should it fail again, it is
 * Anthropic's wording for that case, on which Claude Code lowers max_tokens itself.
 */
function contextFailure(
  overflow: ContextOverflow,
  detail: string | undefined,
  requestedMaxTokens: number | undefined,
): UpstreamFailure {
  const { promptTokens, promptAtLeast, contextLength, promptAlone } = overflow;
  const asked = requestedMaxTokens ?? 0;
  if (promptAlone) return { error: promptTooLongError(overflow, detail) };
  const fits = promptFitsContext(overflow);
  if (fits === true && promptTokens !== undefined && contextLength !== undefined) {
    const room = contextLength - promptTokens;
    if (asked > room) {
      const error = new ApiError(
        'invalid_request_error',
        `input length and \`max_tokens\` exceed context limit: ${promptTokens} + ${asked} > ${contextLength}, decrease input length or \`max_tokens\` and try again`,
      );
      return { error, retryWithMaxTokens: promptAtLeast ? 'rest-of-context' : room };
    }
  }
  const error = promptTooLongError(overflow, detail);
  // Without the prompt's size, output asked for may be what does not fit (vLLM refuses a
  // max_tokens above the whole context, or counts characters first): one try without it.
  return fits !== false && asked > 0 ? { error, retryWithMaxTokens: 'rest-of-context' } : { error };
}

/** The human message of an OpenAI-, FastAPI- or llama-server-shaped error body, or its text. */
function extractMessage(body: string): string | undefined {
  const trimmed = body.trim();
  if (trimmed === '') return undefined;
  const parsed = parseJson(trimmed);
  return (parsed === undefined ? undefined : findMessage(parsed)) ?? trimmed;
}

function findMessage(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  for (const key of ['message', 'error', 'detail', 'msg']) {
    const found = findMessage(record[key]);
    if (found !== undefined) return found;
  }
  if (Array.isArray(value)) return findMessage(value[0]);
  return undefined;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
