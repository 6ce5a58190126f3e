import type { z } from 'zod';
import { ApiError } from './api-error.js';

/**
 * Validates a parsed JSON body against an edge schema; the first problem becomes a 400 that
 * names the field the way Anthropic does (`messages.0.content.1.type: ...`).
 */
export function parseRequestBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new ApiError('invalid_request_error', describeIssue(result.error.issues[0]));
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'Invalid request body';
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}
