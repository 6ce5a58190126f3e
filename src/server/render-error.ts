import { ApiError, toApiError } from '../protocol/api-error.js';

/** The 413 for a body over the limit, from Fastify's checks or Ferry's body reader. */
export function bodyTooLargeError(maxBodyBytes: number): ApiError {
  return new ApiError(
    'request_too_large',
    `Request body is larger than the ${maxBodyBytes} byte limit`,
  );
}

interface FrameworkError {
  code?: string;
  statusCode?: number;
  message?: string;
}

/**
 * Any error that reaches the HTTP layer as an Anthropic error: ours as they are, the
 * framework's own (body too large, bad JSON, wrong content type) mapped by status, and anything
 * else a 500 whose message reveals no internals.
 */
export function renderError(error: unknown, maxBodyBytes: number): ApiError {
  if (error instanceof ApiError) return error;
  const framework = error as FrameworkError;
  if (framework.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || framework.statusCode === 413) {
    return bodyTooLargeError(maxBodyBytes);
  }
  if (framework.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new ApiError('invalid_request_error', 'Content-Type must be application/json');
  }
  if (framework.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return new ApiError('invalid_request_error', 'Request body is empty; expected a JSON object');
  }
  if (
    typeof framework.statusCode === 'number' &&
    framework.statusCode >= 400 &&
    framework.statusCode < 500
  ) {
    return new ApiError('invalid_request_error', framework.message ?? 'Bad request');
  }
  if (error instanceof RangeError && error.message.includes('call stack')) {
    // Schemas and tool inputs are walked depth-first (as JSON.stringify walks them); only a
    // body nested thousands of levels deep (JSON.parse itself takes any depth) ends here.
    return new ApiError(
      'invalid_request_error',
      'Request body is nested too deeply to translate (a JSON schema or tool input thousands of levels deep)',
    );
  }
  return toApiError(error);
}
