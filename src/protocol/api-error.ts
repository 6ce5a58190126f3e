/**
 * The one error class. Routes and backends throw it; one renderer turns it into Anthropic's
 * `{"type":"error","error":{"type","message"},"request_id"}`, as JSON before the first byte and
 * as a final SSE `error` event after it.
 */
export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

/** Anthropic's status for each error type (the SDK's APIError.generate reads the status). */
export const statusOfErrorType: Record<ApiErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** `error.details`: a machine-readable cause (the SDK's `errorCode` and its error subclass). */
export interface ApiErrorDetails {
  error_code: string;
}

export class ApiError extends Error {
  readonly status: number;
  /** Extra response headers, e.g. a `retry-after` passed through from the upstream. */
  readonly headers: Readonly<Record<string, string>>;
  /** The `request-id` of the request that failed; the body's `request_id` (null when unknown). */
  readonly requestId: string | undefined;
  readonly details: ApiErrorDetails | undefined;

  constructor(
    readonly type: ApiErrorType,
    message: string,
    options: {
      status?: number;
      headers?: Record<string, string>;
      cause?: unknown;
      requestId?: string;
      details?: ApiErrorDetails;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.status = options.status ?? statusOfErrorType[type];
    this.headers = options.headers ?? {};
    this.requestId = options.requestId;
    this.details = options.details;
  }

  /** The same error, answering for request `requestId`. */
  withRequestId(requestId: string): ApiError {
    if (this.requestId === requestId) return this;
    return this.copy(this.message, requestId);
  }

  /** The same error, worded as `message`. */
  withMessage(message: string): ApiError {
    return message === this.message ? this : this.copy(message, this.requestId);
  }

  private copy(message: string, requestId: string | undefined): ApiError {
    return new ApiError(this.type, message, {
      status: this.status,
      headers: { ...this.headers },
      cause: this.cause,
      ...(requestId === undefined ? {} : { requestId }),
      ...(this.details === undefined ? {} : { details: this.details }),
    });
  }

  /** Anthropic's ErrorResponse (the SDK declares `request_id` as a required field). */
  toJSON(): {
    type: 'error';
    error: { type: ApiErrorType; message: string; details?: ApiErrorDetails };
    request_id: string | null;
  } {
    return {
      type: 'error',
      error: {
        type: this.type,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
      request_id: this.requestId ?? null,
    };
  }
}

/** Any thrown value as an ApiError; unknown failures become a 500 without internals. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError('api_error', 'Internal server error', { cause: error });
}
