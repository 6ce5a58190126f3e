/**
 * The upstream's OpenAI base URL (`…/v1`) and its server root, from what the user typed:
 * `http://gpu:8000`, `http://gpu:8000/`, `http://gpu:8000/v1` and `http://gpu:8000/v1/` all work.
 * Tokenize endpoints (vLLM, llama-server) live at the root, not under /v1.
 */
export function normalizeUpstreamUrl(input: string): { apiBase: string; root: string } {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new Error(`invalid upstream URL '${input}': expected e.g. http://127.0.0.1:8000/v1`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`invalid upstream URL '${input}': only http and https are supported`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  const rootPath = path.endsWith('/v1') ? path.slice(0, -3) : path;
  const root = `${url.origin}${rootPath}`;
  return { apiBase: `${root}/v1`, root };
}
