import { Agent, errors, type Dispatcher } from 'undici';
import { ApiError } from '../../protocol/api-error.js';
import { networkErrorCode } from '../../util/network-error-code.js';

export interface UpstreamHttpOptions {
  /** The upstream's `--api-key` (sent as a Bearer token). */
  apiKey?: string;
  /**
   * Sent as HTTP Basic auth when there is no `apiKey` (both go in `Authorization`): the
   * credentials of an upstream URL written `http://user:password@host`.
   */
  basicAuth?: { username: string; password: string };
  /** Time to establish a connection. Default 10 s. */
  connectTimeoutMs?: number;
  /** Time until the response headers arrive (covers prompt processing). Default 600 s. */
  headersTimeoutMs?: number;
  /** Longest silence between two body reads. Default 600 s. */
  bodyTimeoutMs?: number;
  /** Keep-alive connections per upstream origin. Default 256. */
  connections?: number;
}

export type UpstreamResponse = Dispatcher.ResponseData;

/** Text, bytes, or bytes in pieces sent one after another. */
export type UpstreamBody = string | Buffer | readonly Buffer[];

/**
 * One keep-alive pool per Ferry instance, and every transport failure as an ApiError that
 * names the upstream (never its key).
 */
export class UpstreamHttp {
  private readonly agent: Agent;
  private readonly targets = new Map<string, { origin: string; path: string }>();
  private readonly authorization: string | undefined;
  /** What an upstream's error text may echo of Ferry's credentials. */
  private readonly secrets: string[];

  constructor(private readonly options: UpstreamHttpOptions = {}) {
    this.authorization = authorizationOf(options);
    const { apiKey, basicAuth } = options;
    const token = this.authorization?.replace(/^Basic /, '');
    this.secrets = [apiKey, basicAuth?.password, token].filter(
      (secret): secret is string => secret !== undefined && secret.length >= 4,
    );
    this.agent = new Agent({
      connections: options.connections ?? 256,
      connect: { timeout: options.connectTimeoutMs ?? 10_000, noDelay: true },
      headersTimeout: options.headersTimeoutMs ?? 600_000,
      bodyTimeout: options.bodyTimeoutMs ?? 600_000,
      keepAliveTimeout: 30_000,
    });
  }

  async send(
    method: 'GET' | 'POST',
    url: string,
    body: UpstreamBody | undefined,
    signal: AbortSignal | undefined,
  ): Promise<UpstreamResponse> {
    const headers = this.headers(body !== undefined);
    try {
      const { origin, path } = this.target(url);
      return await this.agent.request({
        origin,
        path,
        method,
        headers,
        ...(body === undefined ? {} : { body: requestBody(body, headers) }),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      throw transportError(error, url, signal);
    }
  }

  /**
   * A URL's origin and path, parsed once: undici's `request(url)` parses the URL on every
   * call, which at one client (code run cold between requests) took ~0.09 ms of the ~0.16 ms
   * before the request left. Ferry calls a handful of fixed URLs.
   */
  private target(url: string): { origin: string; path: string } {
    let target = this.targets.get(url);
    if (target === undefined) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: parsed.pathname + parsed.search };
      if (this.targets.size < 64) this.targets.set(url, target);
    }
    return target;
  }

  /**
   * The text of an error reply with Ferry's upstream credentials removed: an upstream may echo
   * the key it refused, and the text becomes part of the client's error message.
   */
  async errorText(response: UpstreamResponse): Promise<string> {
    let text = await response.body.text();
    for (const secret of this.secrets) text = text.split(secret).join('[redacted]');
    return text;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private headers(hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream' };
    if (hasBody) headers['content-type'] = 'application/json';
    if (this.authorization !== undefined) headers.authorization = this.authorization;
    return headers;
  }
}

/** `Authorization` for the upstream: its key as a Bearer token, else Basic auth, else none. */
function authorizationOf({ apiKey, basicAuth }: UpstreamHttpOptions): string | undefined {
  if (apiKey !== undefined) return `Bearer ${apiKey}`;
  if (basicAuth === undefined) return undefined;
  const pair = `${basicAuth.username}:${basicAuth.password}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

/**
 * A request body as undici takes it. Pieces go as a one-shot iterable with their total length:
 * undici keeps a Buffer body for the whole exchange, which for a streamed reply is seconds, long
 * enough to move it to the old generation and leave it there as garbage until a full collection
 * (at 64 Claude Code streams, ~11 MB of such bodies at the peak). Pieces are let go once written,
 * and a piece shared by every request (Claude Code's tools) is never copied. One piece, a
 * request without tools and mostly small, goes as it is: undici writes it in one call.
 */
function requestBody(body: UpstreamBody, headers: Record<string, string>): string | Buffer {
  if (!Array.isArray(body)) return body as string | Buffer;
  const pieces = body as readonly Buffer[];
  if (pieces.length === 1) return pieces[0]!;
  headers['content-length'] = String(pieces.reduce((sum, piece) => sum + piece.length, 0));
  // undici documents Iterable bodies (docs/api/Dispatcher.md); its types do not list them yet.
  return onePass(pieces) as unknown as Buffer;
}

function* onePass(pieces: readonly Buffer[]): Generator<Buffer> {
  yield* pieces;
}

/** A failure to reach or keep talking to the upstream, as the Anthropic error to answer. */
export function transportError(error: unknown, url: string, signal?: AbortSignal): unknown {
  if (signal?.aborted === true || error instanceof ApiError) return error;
  const origin = safeOrigin(url);
  if (error instanceof errors.ConnectTimeoutError) {
    return new ApiError('timeout_error', `Timed out connecting to the upstream at ${origin}`);
  }
  if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError) {
    return new ApiError('timeout_error', `The upstream at ${origin} stopped answering (timeout)`);
  }
  const code = errorCode(error);
  return new ApiError(
    'api_error',
    `The upstream at ${origin} is unreachable or broke the connection (${code})`,
    {
      cause: error,
    },
  );
}

function errorCode(error: unknown): string {
  const code = networkErrorCode(error);
  if (code !== undefined) return code;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : 'unknown error';
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the configured URL';
  }
}
