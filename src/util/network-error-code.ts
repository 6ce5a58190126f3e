/**
 * The system error code (`ECONNREFUSED`, `ENOTFOUND`, ...) of a failed connection, whether Node
 * put it on the error itself or, as fetch and undici do, on its `cause`.
 */
export function networkErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { code?: unknown; cause?: { code?: unknown } };
  const code = record.code ?? record.cause?.code;
  return typeof code === 'string' ? code : undefined;
}
