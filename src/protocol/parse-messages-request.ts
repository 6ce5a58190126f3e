import type { z } from 'zod';
import { isPlainObject } from '../util/is-plain-object.js';
import { ApiError } from './api-error.js';
import type { RequestTool } from './messages-request-schema.js';

/**
 * Validates a parsed JSON body against an edge schema; the first problem becomes a 400 that
 * names the field the way Anthropic does (`messages.0.content.1.type: ...`).
 */
export function parseRequestBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body, { error: anthropicWording });
  if (result.success) return result.data;
  throw new ApiError('invalid_request_error', describeIssue(result.error.issues[0], []));
}

/** Tool lists validated before, as ToolConversionCache keeps them. */
export interface KnownToolLists {
  validatedTools(raw: readonly unknown[]): readonly RequestTool[] | undefined;
  /** Returns the list to use: an equal one kept before, or `tools`. */
  rememberValidated(raw: readonly unknown[], tools: readonly RequestTool[]): readonly RequestTool[];
}

/**
 * `parseRequestBody` for a messages or count_tokens body whose tool list is validated only if
 * it did not come exactly so before. Claude Code resends the same ~30 KB of tool schemas every
 * turn, and zod's copy of them was most of the validation's time and allocation. The rules on
 * tools (unique names, object schemas) look at the list alone, so a list that passed once
 * passes again; the rest of the body is validated as always.
 */
export function parseWithKnownTools<T extends z.ZodType>(
  schema: T,
  body: unknown,
  known: KnownToolLists | undefined,
): z.infer<T> {
  if (known === undefined || !isPlainObject(body) || !isNonEmptyList(body.tools))
    return parseRequestBody(schema, body);
  const raw = body.tools;
  const kept = known.validatedTools(raw);
  const parsed: z.infer<T> = parseRequestBody(
    schema,
    kept === undefined ? body : withoutTools(body),
  );
  const withTools = parsed as { tools?: readonly RequestTool[] };
  if (kept !== undefined) withTools.tools = kept;
  else if (withTools.tools !== undefined)
    withTools.tools = known.rememberValidated(raw, withTools.tools);
  return parsed;
}

function isNonEmptyList(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length > 0;
}

function withoutTools(body: Record<string, unknown>): Record<string, unknown> {
  const { tools: _tools, ...rest } = body;
  return rest;
}

type Issue = z.core.$ZodIssue;

/**
 * Missing fields, wrong types and bounds read as Anthropic's API words them (its validator's
 * wording: `temperature: Input should be less than or equal to 1`); other messages are zod's
 * own or the schema's.
 */
function anthropicWording(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'Field required';
    const kind = validKind[issue.expected];
    return kind === undefined ? undefined : `Input should be a valid ${kind}`;
  }
  if (issue.code === 'too_big' || issue.code === 'too_small') return boundWording(issue);
  if (issue.code === 'invalid_value') return `Input should be ${listOfValues(issue.values)}`;
  return undefined;
}

/** `'a', 'b' or 'c'`, as pydantic lists the values a field allows. */
function listOfValues(values: readonly unknown[]): string {
  const shown = values.map((value) => (typeof value === 'string' ? `'${value}'` : String(value)));
  return shown.length < 2
    ? (shown[0] ?? '')
    : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
}

const validKind: Partial<Record<string, string>> = {
  string: 'string',
  number: 'number',
  int: 'integer',
  boolean: 'boolean',
  object: 'dictionary',
  record: 'dictionary',
  array: 'list',
};

function boundWording(
  issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall>,
): string | undefined {
  const big = issue.code === 'too_big';
  const limit = big ? issue.maximum : issue.minimum;
  const plural = limit === 1 ? '' : 's';
  if (issue.origin === 'number' || issue.origin === 'int')
    return `Input should be ${big ? 'less' : 'greater'} than ${issue.inclusive === false ? '' : 'or equal to '}${limit}`;
  if (issue.origin === 'array')
    return `List should have at ${big ? 'most' : 'least'} ${limit} item${plural}`;
  if (issue.origin === 'string')
    return `String should have at ${big ? 'most' : 'least'} ${limit} character${plural}`;
  return undefined;
}

function describeIssue(issue: Issue | undefined, prefix: PropertyKey[]): string {
  if (issue === undefined) return 'Invalid request body';
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union') {
    const deepest = deepestBranchIssue(issue.errors);
    if (deepest !== undefined) return describeIssue(deepest, path);
  }
  const where = path.map(String).join('.');
  if (where === '' && issue.code === 'invalid_type')
    return 'The request body must be a JSON object';
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
