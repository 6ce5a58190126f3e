import { findEndpointBaseUrl } from './find-endpoint-base-url.js';

/** An upstream URL as Ferry calls it. */
interface UpstreamUrl {
  apiBase: string;
  root: string;
  credentials?: { username: string; password: string };
}

/**
 * The upstream's OpenAI base URL (`…/v1`), its server root and the credentials it carries,
 * from what the user typed: `http://gpu:8000`, `http://gpu:8000/`, `http://gpu:8000/v1` and
 * `http://gpu:8000/v1/` all work; an endpoint (`…/v1/chat/completions`) is refused. Tokenize
 * endpoints (vLLM, llama-server) live at the root, not under /v1. `http://user:pass@host`
 * gives its (decoded) user and password for HTTP Basic auth; the URLs returned carry none.
 * The one check of an upstream URL: for one Ferry cannot use it says what is wrong (`problem`,
 * words to follow the setting's name), which the config's check reports and the backend throws.
 */
export function normalizeUpstreamUrl(input: string): UpstreamUrl | { problem: string } {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { problem: 'expected an http:// or https:// URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { problem: 'expected an http:// or https:// URL' };
  }
  const base = findEndpointBaseUrl(input);
  if (base !== undefined) {
    return { problem: `expected the server's base URL (${base}), not an endpoint` };
  }
  const path = url.pathname.replace(/\/+$/, '');
  const rootPath = path.endsWith('/v1') ? path.slice(0, -3) : path;
  const root = `${url.origin}${rootPath}`;
  if (url.username === '' && url.password === '') return { apiBase: `${root}/v1`, root };
  // The URL parser keeps a `%` that starts no escape (`user:50%off@`); decoding it would throw.
  const username = decodePercent(url.username);
  const password = decodePercent(url.password);
  if (username === undefined || password === undefined) {
    return { problem: 'the user:password@ in it is not valid percent-encoding (write % as %25)' };
  }
  return { apiBase: `${root}/v1`, root, credentials: { username, password } };
}

function decodePercent(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
