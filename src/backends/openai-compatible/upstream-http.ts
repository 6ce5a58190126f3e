import { Agent, errors, request, type Dispatcher } from 'undici';
import { ApiError } from '../../protocol/api-error.js';
import { networkErrorCode } from '../../util/network-error-code.js';

export interface UpstreamHttpOptions {
  /** The upstream's `--api-key` (sent as a Bearer token). */
  apiKey?: string;
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

/**
 * One keep-alive pool per Ferry instance, and every transport failure as an ApiError that
 * names the upstream (never its key).
 */
export class UpstreamHttp {
  private readonly agent: Agent;

  constructor(private readonly options: UpstreamHttpOptions = {}) {
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
    body: string | Buffer | undefined,
    signal: AbortSignal | undefined,
  ): Promise<UpstreamResponse> {
    try {
      return await request(url, {
        method,
        headers: this.headers(body !== undefined),
        ...(body === undefined ? {} : { body }),
        ...(signal === undefined ? {} : { signal }),
        dispatcher: this.agent,
      });
    } catch (error) {
      throw transportError(error, url, signal);
    }
  }

  /**
   * The text of an error reply with Ferry's upstream key removed: an upstream may echo the key
   * it refused, and the text becomes part of the client's error message.
   */
  async errorText(response: UpstreamResponse): Promise<string> {
    const text = await response.body.text();
    const key = this.options.apiKey;
    return key === undefined || key.length < 4 ? text : text.split(key).join('[redacted]');
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private headers(hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream' };
    if (hasBody) headers['content-type'] = 'application/json';
    if (this.options.apiKey !== undefined) headers.authorization = `Bearer ${this.options.apiKey}`;
    return headers;
  }
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
