/**
 * Ferry's thinking signatures. Anthropic clients send thinking blocks back verbatim with their
 * signature; when the client asked for `display: "omitted"` the thinking text itself is not
 * shown, so the signature carries it (base64url) and the next turn can still give the model its
 * own reasoning. The prefix marks signatures Ferry can read.
 */
const prefix = 'ferry1.';

export function encodeThinkingSignature(thinking: string): string {
  return prefix + Buffer.from(thinking, 'utf8').toString('base64url');
}

/** The thinking text a Ferry signature carries, or undefined for any other signature. */
export function decodeThinkingSignature(signature: string | undefined): string | undefined {
  if (signature === undefined || !signature.startsWith(prefix)) return undefined;
  return Buffer.from(signature.slice(prefix.length), 'base64url').toString('utf8');
}
