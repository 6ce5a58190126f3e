/** OpenAI endpoints a URL copied from a client's settings or a curl line may end in. */
const endpointPath = /\/(?:chat\/completions|completions|models)\/*$/;

/**
 * The base URL meant when `input` names an OpenAI endpoint instead (`…/v1/chat/completions` →
 * `…/v1`), else undefined. Ferry appends the endpoints itself: such a URL would be called as
 * `…/v1/chat/completions/v1/models`. Credentials, query and fragment are left out of the
 * suggestion, which is shown in errors.
 */
export function findEndpointBaseUrl(input: string): string | undefined {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return undefined;
  }
  if (!endpointPath.test(url.pathname)) return undefined;
  const base = url.pathname.replace(endpointPath, '');
  return `${url.origin}${/\/v1$/.test(base) ? base : `${base}/v1`}`;
}
