/** What one request to Ferry came back as. `lost` is anything a client could not act on. */
export type Outcome =
  | { kind: 'message'; status: number; text: string; headers: Headers }
  | { kind: 'stream'; status: number; events: SseEvent[]; text: string; headers: Headers }
  | { kind: 'stream-error'; status: number; events: SseEvent[]; errorType: string }
  | { kind: 'error'; status: number; errorType: string; message: string; headers: Headers }
  | { kind: 'lost'; reason: string };

export interface SseEvent {
  event: string;
  data: unknown;
}

export const ask = {
  model: 'test-model',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'hi' }],
};

/**
 * POSTs to /v1/messages with a deadline and classifies the answer: a complete message, a complete
 * stream (ends with message_stop), a stream that ended with an `error` event, an Anthropic-shaped
 * JSON error, or lost (no answer, a broken one, or a stream that simply stopped).
 */
export async function sendMessage(
  url: string,
  body: unknown,
  options: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Outcome> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    text = await response.text();
  } catch (error) {
    return { kind: 'lost', reason: (error as Error).message };
  }
  return classify(response, text);
}

function classify(response: Response, text: string): Outcome {
  const { status, headers } = response;
  if (headers.get('content-type')?.startsWith('text/event-stream') === true) {
    const events = parseSse(text);
    const last = events.at(-1);
    if (last?.event === 'message_stop') return { kind: 'stream', status, events, text, headers };
    if (last?.event === 'error' && !events.some((event) => event.event === 'message_stop')) {
      return { kind: 'stream-error', status, events, errorType: errorTypeOf(last.data) ?? '?' };
    }
    return { kind: 'lost', reason: `stream ended after ${last?.event ?? 'nothing'}` };
  }
  const json = parseJson(text);
  const errorType = errorTypeOf(json);
  if (status >= 400 && errorType !== undefined) {
    const message = (json as { error: { message: string } }).error.message;
    return { kind: 'error', status, errorType, message, headers };
  }
  if (status === 200 && (json as { type?: unknown } | undefined)?.type === 'message') {
    return { kind: 'message', status, text, headers };
  }
  return { kind: 'lost', reason: `HTTP ${status}: ${text.slice(0, 200)}` };
}

export function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const event = /^event: (.*)$/m.exec(frame)?.[1] ?? '';
      const data = /^data: (.*)$/m.exec(frame)?.[1] ?? '';
      return { event, data: parseJson(data) };
    });
}

/** The text of a stream's text deltas, joined. */
export function streamedText(events: readonly SseEvent[]): string {
  let text = '';
  for (const { data } of events) {
    const delta = (data as { delta?: { type?: string; text?: string } } | undefined)?.delta;
    if (delta?.type === 'text_delta') text += delta.text ?? '';
  }
  return text;
}

/** `error.type` of an Anthropic error body, or undefined for anything else. */
export function errorTypeOf(value: unknown): string | undefined {
  const body = value as { type?: unknown; error?: { type?: unknown; message?: unknown } };
  if (body?.type !== 'error' || typeof body.error?.type !== 'string') return undefined;
  return typeof body.error.message === 'string' ? body.error.type : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
