import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ApiError } from '../protocol/api-error.js';

/** The content codings Ferry undoes (RFC 9110 §8.4.1; `x-gzip` is gzip, §8.4.1.3). */
const decoders: ReadonlyMap<string, () => Transform> = new Map([
  ['gzip', createGunzip],
  ['x-gzip', createGunzip],
  ['deflate', createInflate],
  ['br', createBrotliDecompress],
]);

/**
 * A request body with its `Content-Encoding` undone, for the body parser: the body as it came
 * when it has no coding (or `identity`), a 400 for a coding Ferry cannot undo. The errors carry
 * the `error_code`s Anthropic's API gives them (the SDK raises a class of its own for each). The decoded bytes
 * are held to `maxBytes` here, so a zip bomb stops at the limit (a 413) instead of being
 * inflated and thrown away; a corrupt body is a 400. `receivedEncodedLength` counts the bytes as
 * sent, for the check against `content-length` (Fastify's name for it). The decoded stream
 * always has an error listener: a reader that gave up early (a declared length over the limit)
 * must not leave its failure unhandled, which would end the process.
 */
export function decodeRequestBody(
  payload: Readable,
  headers: IncomingHttpHeaders,
  maxBytes: number,
): Readable {
  const header = headers['content-encoding'];
  if (header === undefined || !hasBody(headers)) return payload;
  const coding = header.trim().toLowerCase();
  if (coding === '' || coding === 'identity') return payload;
  const createDecoder = decoders.get(coding);
  if (createDecoder === undefined)
    throw new ApiError(
      'invalid_request_error',
      `Content-Encoding ${header} is not supported: send the body as is, or encoded with one of gzip, deflate, br`,
      { details: { error_code: 'request_body_encoding_unsupported' } },
    );
  const decoder = createDecoder();
  const body = new DecodedBody(maxBytes);
  body.on('error', () => undefined); // the reader hears it through its own listener
  payload.on('data', (chunk: Buffer) => (body.receivedEncodedLength += chunk.length));
  payload.on('error', (error) => body.destroy(error)); // the client went away
  decoder.on('error', (error) =>
    body.destroy(
      new ApiError(
        'invalid_request_error',
        `Request body is not valid ${coding} data (Content-Encoding): ${error.message}`,
        { cause: error, details: { error_code: 'request_body_encoding_invalid' } },
      ),
    ),
  );
  // A body refused (or read to its end) stops the decoder; the request then unpipes from it.
  body.once('close', () => decoder.destroy());
  payload.pipe(decoder).pipe(body);
  return body;
}

/** As Fastify decides it: no length and no chunked coding, or a length of 0, is no body. */
function hasBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Decoded bytes, refused beyond `maxBytes`. */
class DecodedBody extends Transform {
  /** Bytes as they came on the socket (Fastify's name for them). */
  receivedEncodedLength = 0;
  private decodedLength = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.decodedLength += chunk.length;
    if (this.decodedLength <= this.maxBytes) return done(null, chunk);
    done(
      new ApiError(
        'request_too_large',
        `Request body is larger than the ${this.maxBytes} byte limit once decompressed`,
        { details: { error_code: 'request_body_too_large_after_decoding' } },
      ),
    );
  }
}
