import { findEndpointBaseUrl } from './find-endpoint-base-url.js';

/**
 * The upstream's OpenAI base URL (`…/v1`), its server root and the credentials it carries,
 * from what the user typed: `http://gpu:8000`, `http://gpu:8000/`, `http://gpu:8000/v1` and
 * `http://gpu:8000/v1/` all work; an endpoint (`…/v1/chat/completions`) is refused. Tokenize
 * endpoints (vLLM, llama-server) live at the root, not under /v1. `http://user:pass@host`
 * gives its (decoded) user and password for HTTP Basic auth; the URLs returned carry none.
 */
export function normalizeUpstreamUrl(input: string): {
  apiBase: string;
  root: string;
  credentials?: { username: string; password: string };
} {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new Error(`invalid upstream URL '${input}': expected e.g. http://127.0.0.1:8000/v1`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`invalid upstream URL '${input}': only http and https are supported`);
  }
  const base = findEndpointBaseUrl(input);
  if (base !== undefined) {
    throw new Error(`invalid upstream URL: expected the base URL (${base}), not an endpoint`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  const rootPath = path.endsWith('/v1') ? path.slice(0, -3) : path;
  const root = `${url.origin}${rootPath}`;
  const hasCredentials = url.username !== '' || url.password !== '';
  const credentials = {
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
  return { apiBase: `${root}/v1`, root, ...(hasCredentials ? { credentials } : {}) };
}
