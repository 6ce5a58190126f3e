import net from 'node:net';

export interface RawReply {
  /** Everything the server wrote before closing or the deadline. */
  text: string;
  status: number | undefined;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection (rather than the deadline ending the wait). */
  closed: boolean;
}

/**
 * Writes bytes on a fresh TCP connection and collects what comes back until the server closes
 * it, a whole response with a content-length has arrived, or the deadline passes. For requests
 * no HTTP client would send: oversized or malformed headers, garbage, half requests.
 */
export function sendRaw(
  port: number,
  bytes: string | Buffer,
  options: { timeoutMs?: number; endAfterWrite?: boolean } = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let closed = false;
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parseReply(Buffer.concat(chunks).toString('utf8'), closed));
    };
    const timer = setTimeout(finish, options.timeoutMs ?? 5000);
    socket.on('connect', () => {
      // The server may answer and close before all bytes are written (an oversized head).
      socket.write(bytes, () => {
        if (options.endAfterWrite === true) socket.end();
      });
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (isComplete(Buffer.concat(chunks).toString('utf8'))) finish();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset after the reply was written is how a server drops a client still sending.
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return;
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
  });
}

function isComplete(text: string): boolean {
  const split = text.indexOf('\r\n\r\n');
  if (split === -1) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, split));
  return length?.[1] !== undefined && Buffer.byteLength(text.slice(split + 4)) >= Number(length[1]);
}

function parseReply(text: string, closed: boolean): RawReply {
  const split = text.indexOf('\r\n\r\n');
  const head = split === -1 ? text : text.slice(0, split);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    text,
    status: status === undefined ? undefined : Number(status),
    headers,
    body: split === -1 ? '' : text.slice(split + 4),
    closed,
  };
}
