import { ApiError, type ApiErrorType } from '../../protocol/api-error.js';
import { parseJson } from '../../util/parse-json.js';

export interface UpstreamFailure {
  error: ApiError;
  /** The prompt fits but max_tokens does not: retry once with this many output tokens. */
  retryWithMaxTokens?: number;
}

/**
 * An upstream HTTP error as the Anthropic error a client understands. Context-length failures
 * become the 400 "prompt is too long: N tokens > M maximum" that Claude Code recognises (and
 * answers by compacting); a max_tokens that merely does not fit beside the prompt is retried.
 * Never forwards an HTML page or a stack trace.
 */
export function mapUpstreamError(
  status: number,
  body: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  requestedMaxTokens?: number,
): UpstreamFailure {
  const detail = extractMessage(body);
  const context = readContextNumbers(detail, body);
  if (context !== undefined) return contextFailure(context, detail, requestedMaxTokens);
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
  const message = describe(status, type, detail);
  const options = retryAfter === undefined ? {} : { headers: { 'retry-after': retryAfter } };
  return { error: new ApiError(type, message, options) };
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

function describe(status: number, type: ApiErrorType, detail: string | undefined): string {
  if (status === 401 || status === 403) {
    return `The upstream rejected Ferry's credentials (HTTP ${status}); check --upstream-api-key`;
  }
  const prefix = type === 'overloaded_error' ? 'Upstream overloaded' : 'Upstream error';
  return detail === undefined
    ? `${prefix} (HTTP ${status})`
    : `${prefix} (HTTP ${status}): ${detail}`;
}

interface ContextNumbers {
  promptTokens?: number | undefined;
  contextLength?: number | undefined;
}

const contextPattern =
  /maximum context length|context size|context length|maximum model length|maximum allowed length|context window|exceed_context_size/i;
const promptPatterns = [
  /(\d+) in the messages/,
  /request has (\d+) input tokens/,
  /prompt \(length (\d+)\)/,
  /request \((\d+) tokens\)/,
  /input length \((\d+) tokens\)/i,
  /"n_prompt_tokens"\s*:\s*(\d+)/,
];
const contextPatterns = [
  /maximum context length is (\d+)/,
  /maximum model length (?:of |is )?(\d+)/,
  /context size \((\d+) tokens\)/,
  /maximum allowed length \((\d+) tokens\)/,
  /"n_ctx"\s*:\s*(\d+)/,
];

function readContextNumbers(detail: string | undefined, body: string): ContextNumbers | undefined {
  const text = `${detail ?? ''}\n${body.slice(0, 4096)}`;
  if (!contextPattern.test(text)) return undefined;
  return {
    promptTokens: firstNumber(promptPatterns, text),
    contextLength: firstNumber(contextPatterns, text),
  };
}

function contextFailure(
  { promptTokens, contextLength }: ContextNumbers,
  detail: string | undefined,
  requestedMaxTokens: number | undefined,
): UpstreamFailure {
  if (promptTokens !== undefined && contextLength !== undefined && promptTokens < contextLength) {
    const room = contextLength - promptTokens;
    if (requestedMaxTokens !== undefined && requestedMaxTokens > room) {
      const error = new ApiError('invalid_request_error', detail ?? 'max_tokens does not fit');
      return { error, retryWithMaxTokens: room };
    }
  }
  const numbers =
    promptTokens !== undefined && contextLength !== undefined
      ? `${promptTokens} tokens > ${contextLength} maximum`
      : (detail ?? 'the prompt does not fit in the model context');
  return { error: new ApiError('invalid_request_error', `prompt is too long: ${numbers}`) };
}

function firstNumber(patterns: readonly RegExp[], text: string): number | undefined {
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match?.[1] !== undefined) return Number(match[1]);
  }
  return undefined;
}

/** The human message of an OpenAI-, FastAPI- or llama-server-shaped error body; never HTML. */
function extractMessage(body: string): string | undefined {
  const trimmed = body.trim();
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('<')) return 'the upstream answered with an HTML page';
  const parsed = parseJson(trimmed);
  if (parsed === undefined) return trimmed.slice(0, 300);
  return findMessage(parsed) ?? trimmed.slice(0, 300);
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
