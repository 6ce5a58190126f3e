import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError } from '../protocol/api-error.js';
import { createId } from '../protocol/create-ids.js';

/** Node's own answers to what its HTTP parser refused, as Anthropic errors. */
function describeClientError(code: string | undefined): ApiError {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new ApiError('invalid_request_error', 'Request headers are larger than the limit', {
      status: 431,
    });
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new ApiError('timeout_error', 'The request was not received in time', { status: 408 });
  }
  return new ApiError('invalid_request_error', 'Malformed HTTP request');
}

/**
 * The http server's `clientError` handler. A request Node's parser rejects (headers over
 * `maxHeaderSize`, bytes that are not HTTP, a request that never finishes) never reaches
 * Fastify, and Node would answer with an empty body. This writes the Anthropic error shape
 * instead, with a request id, then closes the socket: the parser state is unusable after an
 * error. The server itself is unaffected. Returns the status answered, to be counted, or
 * undefined when no one was left to answer.
 */
export function answerClientError(
  error: Error & { code?: string | undefined },
  socket: Duplex,
  log: (details: object, message: string) => void,
): number | undefined {
  // A reset connection has no one left to answer (https://nodejs.org/api/http.html#event-clienterror).
  if (error.code === 'ECONNRESET' || socket.destroyed) return undefined;
  const requestId = createId('req');
  const apiError = describeClientError(error.code).withRequestId(requestId);
  log({ reqId: requestId, code: error.code, status: apiError.status }, apiError.message);
  if (socket.writable) {
    const body = JSON.stringify(apiError.toJSON());
    socket.write(
      `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status] ?? 'Error'}\r\n` +
        'content-type: application/json\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        `request-id: ${requestId}\r\n` +
        'connection: close\r\n\r\n' +
        body,
    );
  }
  socket.end();
  // A peer that never reads must not keep the socket alive.
  setTimeout(() => socket.destroy(), 1000).unref();
  return apiError.status;
}
