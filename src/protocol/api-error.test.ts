import type { ErrorResponse } from '@anthropic-ai/sdk/resources/shared';
import { describe, expect, test } from 'vitest';
import { ApiError, toApiError, type ApiErrorType } from './api-error.js';

describe('ApiError', () => {
  test.each([
    ['invalid_request_error', 400],
    ['authentication_error', 401],
    ['permission_error', 403],
    ['not_found_error', 404],
    ['request_too_large', 413],
    ['rate_limit_error', 429],
    ['api_error', 500],
    ['timeout_error', 504],
    ['overloaded_error', 529],
  ] as const)('%s is status %i', (type: ApiErrorType, status) => {
    expect(new ApiError(type, 'x').status).toBe(status);
  });

  test("the body is Anthropic's ErrorResponse, request_id included (null until known)", () => {
    const error = new ApiError('not_found_error', 'model: x not found');
    expect(error.toJSON()).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: 'model: x not found' },
      request_id: null,
    } satisfies ErrorResponse);
    const answered = error.withRequestId('req_01abc');
    expect(answered.toJSON()).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: 'model: x not found' },
      request_id: 'req_01abc',
    });
    expect(error.toJSON().request_id).toBeNull(); // the original is unchanged
  });

  test('withRequestId keeps status, headers and cause', () => {
    const cause = new Error('upstream said no');
    const error = new ApiError('rate_limit_error', 'busy', {
      headers: { 'retry-after': '3' },
      cause,
      status: 429,
    }).withRequestId('req_1');
    expect(error).toMatchObject({ status: 429, headers: { 'retry-after': '3' }, cause });
    expect(error.withRequestId('req_1')).toBe(error);
  });

  test('unknown failures become a 500 without internals', () => {
    expect(toApiError(new Error('secret path /x')).toJSON()).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'Internal server error' },
      request_id: null,
    });
  });
});
