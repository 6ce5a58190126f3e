import type { z } from 'zod';
import { ApiError } from './api-error.js';

/**
 * Validates a parsed JSON body against an edge schema; the first problem becomes a 400 that
 * names the field the way Anthropic does (`messages.0.content.1.type: ...`).
 */
export function parseRequestBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body, { error: anthropicWording });
  if (result.success) return result.data;
  throw new ApiError('invalid_request_error', describeIssue(result.error.issues[0], []));
}

type Issue = z.core.$ZodIssue;

/** A missing field reads as Anthropic words it; every other message is zod's own. */
function anthropicWording(issue: z.core.$ZodRawIssue): string | undefined {
  return issue.code === 'invalid_type' && issue.input === undefined ? 'Field required' : undefined;
}

function describeIssue(issue: Issue | undefined, prefix: PropertyKey[]): string {
  if (issue === undefined) return 'Invalid request body';
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union') {
    const deepest = deepestBranchIssue(issue.errors);
    if (deepest !== undefined) return describeIssue(deepest, path);
  }
  const where = path.map(String).join('.');
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}

/**
 * Of a union's failed branches, the issue that got furthest into the input: for `content`
 * (string or blocks) the problem inside a block says more than "expected string".
 */
function deepestBranchIssue(branches: readonly (readonly Issue[])[]): Issue | undefined {
  let best: Issue | undefined;
  for (const issues of branches) {
    const first = issues[0];
    if (first !== undefined && (best === undefined || first.path.length > best.path.length))
      best = first;
  }
  return best;
}
