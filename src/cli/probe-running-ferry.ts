import { request } from 'undici';

/**
 * The Ferry answering its health probe at `url` (within a second), with the fingerprint of its
 * backend (see backendIdentity; absent from older Ferrys), or undefined when none answers.
 */
export async function probeFerry(url: string): Promise<{ backend?: string } | undefined> {
  try {
    const response = await request(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await response.body.json()) as { server?: unknown; backend?: unknown };
    if (response.statusCode !== 200 || body.server !== 'ferry') return undefined;
    return typeof body.backend === 'string' ? { backend: body.backend } : {};
  } catch {
    return undefined;
  }
}

/** The model ids a running Ferry serves, through its own /v1/models. */
export async function listFerryModels(url: string, apiKey: string | undefined): Promise<string[]> {
  const response = await request(`${url}/v1/models?limit=1000`, {
    headers: apiKey === undefined ? {} : { 'x-api-key': apiKey },
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await response.body.json()) as {
    data?: Array<{ id: string }>;
    error?: { message?: string };
  };
  if (response.statusCode === 401)
    throw new AuthError(
      `the Ferry running at ${url} wants an API key (${body.error?.message ?? 'HTTP 401'}); pass the one it was started with: --api-key KEY`,
    );
  if (response.statusCode !== 200)
    throw new Error(body.error?.message ?? `HTTP ${response.statusCode}`);
  return (body.data ?? []).map((model) => model.id);
}

/** The Ferry answered, but refused the key (none, or another than its --api-key). */
export class AuthError extends Error {}
