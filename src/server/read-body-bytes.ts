import type { Readable } from 'node:stream';
import { ApiError } from '../protocol/api-error.js';
import { bodyTooLargeError } from './render-error.js';

/** A preParsing stream that changed the bytes says how many came from the socket (Fastify). */
type RequestPayload = Readable & { receivedEncodedLength?: number };

/**
 * A request body's bytes, read as Fastify's own reader reads them (content-type-parser.js
 * `rawBody`: a declared or received length over `limit` is a 413, with the bytes as sent
 * counted too; a failed read is a 400), but without the copy it makes of a body that came in
 * one chunk: the caller decodes the bytes to text at once and keeps no view of them.
 */
export function readBodyBytes(
  payload: RequestPayload,
  declaredLength: string | undefined,
  limit: number,
): Promise<Buffer> {
  const declared = declaredLength === undefined ? NaN : Number(declaredLength);
  if (declared > limit) return Promise.reject(bodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = (): void => {
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit || (payload.receivedEncodedLength ?? 0) > limit) {
        stop();
        reject(bodyTooLargeError(limit));
      } else chunks.push(chunk);
    };
    const onEnd = (): void => {
      stop();
      // Node ends a request only once its declared length arrived; a stream that decoded the
      // body ends with that many bytes read from the socket.
      if (!Number.isNaN(declared) && (payload.receivedEncodedLength || received) !== declared)
        reject(
          new ApiError('invalid_request_error', 'Request body length differs from content-length'),
        );
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
    };
    const onError = (error: Error): void => {
      stop();
      reject(
        error instanceof ApiError
          ? error
          : new ApiError(
              'invalid_request_error',
              `Request body could not be read: ${error.message}`,
              {
                cause: error,
              },
            ),
      );
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.resume();
  });
}
