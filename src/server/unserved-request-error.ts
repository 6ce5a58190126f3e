import { ApiError } from '../protocol/api-error.js';
import { crossOriginRefusal } from './allow-cors.js';
import { probePaths } from './routes/health-route.js';

/** The methods each path Ferry serves answers, for a 405's `Allow` (RFC 9110 §15.5.6). */
const allowedMethods = new Map<string, string>([
  ['/v1/messages', 'POST'],
  ['/v1/messages/count_tokens', 'POST'],
  ['/v1/models', 'GET, HEAD'],
  ['/metrics', 'GET, HEAD'],
  ...probePaths.map((path): [string, string] => [path, 'GET, HEAD']),
]);

/** Anthropic API families Ferry does not serve, named so a client's 404 says why. */
const unservedApis: ReadonlyArray<[prefix: string, name: string]> = [
  ['/v1/messages/batches', 'the Message Batches API'],
  ['/v1/files', 'the Files API'],
  ['/v1/skills', 'the Skills API'],
  ['/v1/complete', 'the legacy Text Completions API'],
  ['/v1/organizations', 'the Admin API'],
];

export interface UnservedRequest {
  method: string;
  /** The URL's path, without its query. */
  path: string;
  /** The `origin` header, if any. */
  origin: string | undefined;
  requestId: string;
}

/**
 * The answer to a request no route serves: a browser's preflight when no origin is allowed (with
 * origins allowed, CORS answers every OPTIONS before routing), a method the path lacks (405,
 * with `Allow`), or no such path (404).
 */
export function unservedRequestError(request: UnservedRequest): ApiError {
  const { method, path, requestId } = request;
  if (method === 'OPTIONS' && request.origin !== undefined)
    return crossOriginRefusal(request.origin, [], requestId);
  const allow = allowedMethods.get(path) ?? (path.startsWith('/v1/models/') ? 'GET, HEAD' : '');
  if (allow !== '')
    return new ApiError('invalid_request_error', `Method ${method} is not allowed on ${path}`, {
      status: 405,
      headers: { allow },
      requestId,
    });
  return new ApiError('not_found_error', notFoundMessage(method, path), { requestId });
}

function notFoundMessage(method: string, path: string): string {
  const api = unservedApis.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`));
  if (api === undefined) return `Not found: ${method} ${path}`;
  return `Not found: ${method} ${path} (Ferry does not implement ${api[1]}; it serves /v1/messages, /v1/messages/count_tokens and /v1/models)`;
}
