import type { Backend, RequestLog, TokenCount } from '../backend.js';
import type { ChatRequest, ModelRequest } from '../../model/model-request.js';
import type { ModelStreamBatch } from '../../model/model-stream-part.js';
import { ApiError } from '../../protocol/api-error.js';
import { abandonOnAbort } from '../../util/abandon-on-abort.js';
import { networkErrorCode } from '../../util/network-error-code.js';
import { UpstreamTokenCounter } from './count-upstream-tokens.js';
import { mapUpstreamError, type UpstreamFailure } from './map-upstream-error.js';
import { normalizeUpstreamUrl } from './normalize-upstream-url.js';
import { readUpstreamReply } from './read-upstream-reply.js';
import { UpstreamHttp, type UpstreamHttpOptions, type UpstreamResponse } from './upstream-http.js';

export interface OpenAICompatibleBackendOptions extends UpstreamHttpOptions {
  /** Base URL, with or without the trailing `/v1`. */
  url: string;
  /** Names to serve; when absent the upstream's `/v1/models` decides. */
  servedModelNames?: readonly string[];
  /** Extra attempts when the upstream is unreachable or answers 502/503. Default 2. */
  retries?: number;
  /** The wait before the second attempt, doubled before each one after. Default 200. */
  retryDelayMs?: number;
  /**
   * Hears of upstream output Ferry passed on although it looks wrong, and of refusals an
   * operator should know of (logged as warnings); `fields` are for a structured log line. A
   * request given its own log (streamChat's `log`, which names the request) warns there instead.
   */
  onWarning?: (message: string, fields?: UpstreamWarningFields) => void;
  /** Age after which the upstream's model list is fetched again, behind a request. Default 30 000. */
  modelListMaxAgeMs?: number;
  /**
   * How long one fetch of the upstream's model list may take, whoever waits for it (the start-up
   * log, the first requests). Default 10 000.
   */
  modelListTimeoutMs?: number;
  /** How long one call to the upstream's tokenizer may take. Default 30 000. */
  tokenizeTimeoutMs?: number;
  /**
   * How long count_tokens estimates for an upstream found without a tokenizer endpoint before
   * it looks again. Default 300 000.
   */
  tokenizerRecheckMs?: number;
}

export interface UpstreamWarningFields {
  /** The HTTP status of the upstream's answer the warning is about. */
  upstreamStatus?: number;
}

interface UpstreamModel {
  id: string;
  /** vLLM reports `max_model_len`; prompt + max_tokens beyond it is refused there. */
  contextLength?: number;
  /** How the server (by `owned_by`) can be asked for the prompt's count in every chunk. */
  countsInEveryChunk?: 'continuous_usage_stats' | 'timings_per_token';
}

/**
 * Servers known to report counts in every chunk, and the key each takes for it: vLLM and SGLang
 * `stream_options.continuous_usage_stats`, llama-server `timings_per_token`. Others are sent
 * neither (some refuse keys they do not know).
 */
const countsInEveryChunk = new Map<string, UpstreamModel['countsInEveryChunk']>([
  ['vllm', 'continuous_usage_stats'],
  ['sglang', 'continuous_usage_stats'],
  ['llamacpp', 'timings_per_token'],
]);

/**
 * Any OpenAI-compatible chat server (vLLM, SGLang, llama-server, Ollama, LM Studio).
 * A streamed reply (with usage) and a single JSON completion both become the same model parts,
 * so one event path serves both client modes (build-model-request decides which to ask for).
 */
export class OpenAICompatibleBackend implements Backend {
  readonly kind = 'openai-compatible';
  private readonly apiBase: string;
  private readonly http: UpstreamHttp;
  private readonly tokenCounter: UpstreamTokenCounter;
  private models: Promise<UpstreamModel[]> | undefined;
  /** `models` has resolved (it then stays so): it is handed out as it is, with no guard. */
  private modelsResolved = false;
  private modelsFetchedAt = 0;
  /** The last fetch of the list failed: the list in use, if any, is from before. */
  private modelsFailed = false;
  private refreshing: Promise<UpstreamModel[]> | undefined;
  /** Ends the work no request waits for (a refresh of the model list) when Ferry stops. */
  private readonly closing = new AbortController();
  /** Tool lists' JSON bytes by identity: a list the tool cache gives again is encoded once. */
  private readonly toolsJson = new WeakMap<object, Buffer>();
  /** Models the upstream refused a reasoning effort for (they cannot think): sent without it. */
  private readonly cannotThink = new Set<string>();
  /** Where warnings go for a request without a log of its own: `onWarning`. */
  private readonly log: RequestLog;

  constructor(private readonly options: OpenAICompatibleBackendOptions) {
    const url = normalizeUpstreamUrl(options.url);
    if ('problem' in url) throw new Error(`invalid upstream URL: ${url.problem}`);
    const { apiBase, root, credentials } = url;
    this.apiBase = apiBase;
    const basicAuth = options.basicAuth ?? credentials;
    this.http = new UpstreamHttp({ ...options, ...(basicAuth === undefined ? {} : { basicAuth }) });
    this.tokenCounter = new UpstreamTokenCounter(
      this.http,
      root,
      options.tokenizeTimeoutMs,
      options.tokenizerRecheckMs,
    );
    const { onWarning } = options;
    this.log = { warn: (fields, message) => onWarning?.(message, fields) };
  }

  async listModels(signal?: AbortSignal): Promise<string[]> {
    if (this.options.servedModelNames !== undefined) return [...this.options.servedModelNames];
    return (await this.upstreamModels(signal)).map((model) => model.id);
  }

  /**
   * Throws when the upstream cannot be reached, does not answer in time or refuses Ferry's
   * credentials: with `servedModelNames`, `listModels` does not ask it. An upstream without a
   * model list (404) answers all the same. A list fetched in the last few seconds is answer
   * enough; an older one, or one a later fetch failed to renew, says nothing of the upstream now
   * (a failed refresh keeps the old list for requests), so the upstream is asked again.
   */
  async checkReachable(signal?: AbortSignal): Promise<void> {
    const answeredLately =
      !this.modelsFailed && Date.now() - this.modelsFetchedAt <= reachableListMaxAgeMs;
    const list =
      this.modelsResolved && !answeredLately
        ? abandonOnAbort(this.refreshModels(), signal)
        : this.upstreamModels(signal); // a fetch now or under way, or a list fetched lately
    await list.catch((error: unknown) => {
      if (!(error instanceof ApiError && error.type === 'not_found_error')) throw error;
    });
  }

  /** A served name the upstream does not list is meant as a rename only of a one-model upstream. */
  async servedNamesNotFound(
    signal?: AbortSignal,
  ): Promise<{ names: string[]; engineModels: string[] }> {
    const served = this.options.servedModelNames ?? [];
    const engineModels = (await this.upstreamModels(signal)).map((model) => model.id);
    const names =
      engineModels.length === 1 ? [] : served.filter((name) => !engineModels.includes(name));
    return { names, engineModels };
  }

  /**
   * The request is handed to `openStream` and not kept: a long generation must not hold the
   * whole conversation (often hundreds of kilobytes) in memory after it was sent. Its warnings
   * go to its own log when the server gave one, else to onWarning.
   */
  streamChat(
    request: ModelRequest,
    signal: AbortSignal,
    log: RequestLog = this.log,
  ): AsyncIterable<ModelStreamBatch> {
    const opened = this.openStream(request.chat, signal, log);
    opened.catch(() => undefined); // handled where readUpstreamReply awaits it; never unhandled
    return readUpstreamReply(opened, { signal, url: this.apiBase, log });
  }

  /** vLLM's `max_model_len`; servers that do not list it leave it unknown. */
  async contextLength(model: string, signal?: AbortSignal): Promise<number | undefined> {
    return (await this.upstreamModel(model, signal ?? AbortSignal.timeout(10_000)))?.contextLength;
  }

  async countTokens(request: ModelRequest, signal: AbortSignal): Promise<TokenCount> {
    const upstream = await this.upstreamModel(request.chat.model, signal);
    return this.tokenCounter.count(
      { ...request.chat, model: upstream?.id ?? request.chat.model },
      signal,
    );
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.http.close();
  }

  /**
   * Names the upstream's model, caps max_tokens and serialises the request. Claude Code asks for
   * 32000 output tokens, often more than the whole context of a local model: max_tokens is
   * capped to the context. Only the JSON goes on: returning without awaiting lets the request's
   * object tree die now rather than when the upstream answers (under load, many milliseconds
   * and several young-generation collections later, each of which would copy it).
   */
  private async openStream(
    chat: ChatRequest,
    signal: AbortSignal,
    log: RequestLog,
  ): Promise<{ response: UpstreamResponse; capped: boolean }> {
    const upstream = await this.upstreamModel(chat.model, signal);
    const named =
      upstream === undefined || upstream.id === chat.model ? chat : { ...chat, model: upstream.id };
    const capped = capMaxTokens(named, upstream?.contextLength);
    let body = askCountsInEveryChunk(capped, upstream);
    if (body.reasoning_effort != null && this.cannotThink.has(body.model)) {
      const { reasoning_effort: _dropped, ...rest } = body;
      body = rest;
    }
    return this.sendChat(
      this.serialize(body),
      { asked: chat.model, sent: named.model },
      body.max_tokens ?? undefined,
      capped !== named,
      signal,
      log,
    );
  }

  /**
   * The chat request as JSON bytes, its tools last. Bytes, because the HTTP client would copy a
   * string into a Buffer anyway, and a Buffer lives outside the JavaScript heap, so the garbage
   * collector never copies it while it waits. Claude Code's tools are most of its request's
   * bytes and the same every turn: the list's bytes are kept in `toolsJson` (by the list's
   * identity, which the tool cache keeps) and sent as a second piece after the rest, the only
   * part serialised and encoded anew.
   */
  private serialize(chat: ChatRequest): Buffer[] {
    if (chat.tools === undefined) return [Buffer.from(JSON.stringify(chat))];
    const { tools, ...rest } = chat;
    let toolsJson = this.toolsJson.get(tools);
    if (toolsJson === undefined) {
      toolsJson = Buffer.from(`,"tools":${JSON.stringify(tools)}}`);
      this.toolsJson.set(tools, toolsJson);
    }
    const head = JSON.stringify(rest); // an object with at least model and messages
    return [Buffer.from(head.slice(0, -1)), toolsJson]; // all but its closing brace
  }

  /**
   * Sends the serialised chat request. When vLLM says the prompt plus max_tokens do not fit, it
   * is retried once with the room left (see UpstreamFailure). Nothing has reached the client
   * yet, so an unreachable upstream or a 502/503 is retried too (bounded, backoff). A model the
   * upstream says it does not have is looked up in a list fetched anew: an engine restarted with
   * another model since the list was fetched gets the request under the name it serves now.
   */
  private async sendChat(
    payload: Buffer[],
    model: { asked: string; sent: string },
    maxTokens: number | undefined,
    capped: boolean,
    signal: AbortSignal,
    log: RequestLog,
  ): Promise<{ response: UpstreamResponse; capped: boolean }> {
    let renamed = false;
    let thinkingDropped = false;
    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < (this.options.retries ?? 2) && !signal.aborted;
      let response: UpstreamResponse;
      try {
        response = await this.http.send(
          'POST',
          `${this.apiBase}/chat/completions`,
          payload,
          signal,
        );
      } catch (error) {
        if (canRetry && isUnreachable(error)) {
          // vLLM and llama-server close a keep-alive connection after 5 s idle; a request
          // written on it as it closes fails without reaching the engine. A new connection
          // then serves it at once: only a second failure means the upstream is in trouble.
          if (attempt > 0 || !isDroppedConnection(error)) await this.backoff(attempt, signal);
          continue;
        }
        throw error;
      }
      if (response.statusCode < 300) return { response, capped };
      const text = await this.http.errorText(response);
      const failure = mapUpstreamError(response.statusCode, text, response.headers, {
        requestedMaxTokens: maxTokens,
        url: `${this.apiBase}/chat/completions`,
      });
      const renamedTo =
        failure.error.type === 'not_found_error' && !renamed
          ? await this.renamedSince(model.asked, model.sent)
          : undefined;
      if (failure.retryWithMaxTokens !== undefined && !capped) {
        const retry = failure.retryWithMaxTokens;
        maxTokens = retry === 'rest-of-context' ? undefined : retry;
        payload = withFields(payload, { max_tokens: maxTokens });
        capped = true;
      } else if (renamedTo !== undefined) {
        payload = withFields(payload, { model: renamedTo });
        renamed = true;
      } else if (!thinkingDropped && refusesThinking(response.statusCode, text)) {
        // Ollama (0.11.5+) reads reasoning_effort as "think", which a model without thinking
        // refuses (Claude Code asks for an effort on every turn): the model answers without
        // it, and later requests for it go without it at once.
        payload = withFields(payload, { reasoning_effort: undefined });
        this.cannotThink.add(model.sent);
        thinkingDropped = true;
      } else if (canRetry && retryableStatuses.has(response.statusCode)) {
        await this.backoff(attempt, signal);
      } else {
        reportRefusal(failure, response.statusCode, log);
        throw failure.error;
      }
    }
  }

  private backoff(attempt: number, signal: AbortSignal): Promise<void> {
    return backoff(attempt, this.options.retryDelayMs ?? 200, signal);
  }

  /**
   * The upstream's own entry for a served name. `--served-model-name` may rename the model (as
   * in vLLM); when the upstream does not know the name but serves exactly one model, that one
   * is meant. Undefined when the list cannot be had: the chat call then reports the upstream.
   */
  private async upstreamModel(
    model: string,
    signal: AbortSignal,
  ): Promise<UpstreamModel | undefined> {
    try {
      return entryFor(model, await this.upstreamModels(signal));
    } catch {
      return undefined;
    }
  }

  /**
   * The upstream's model list. Only the first request, or one after a failed fetch, waits for
   * it; a list older than `modelListMaxAgeMs` is fetched again behind the request that finds
   * it, so a restarted engine is noticed without a turn after every pause paying a round trip
   * to the upstream (to a remote one often a new connection too). The fetch is shared, so it
   * runs on a timeout of its own: `signal` only stops this caller's wait.
   */
  private upstreamModels(signal?: AbortSignal): Promise<UpstreamModel[]> {
    if (this.models === undefined) {
      this.modelsFetchedAt = Date.now();
      const fetched = this.fetchModels().then(
        (models) => {
          if (this.models === fetched) this.useModels(models);
          return models;
        },
        (error: unknown) => {
          if (this.models === fetched) this.models = undefined;
          throw error;
        },
      );
      this.models = fetched;
    } else if (
      this.refreshing === undefined &&
      Date.now() - this.modelsFetchedAt > (this.options.modelListMaxAgeMs ?? 30_000)
    ) {
      this.refreshModels().catch(() => undefined); // it keeps the old list
    }
    // Twice a request: a list that has come is given as it is, not behind a guard that would
    // cost a promise and a listener on the request's signal each time.
    return this.modelsResolved ? this.models : abandonOnAbort(this.models, signal);
  }

  /** Fetches the list again (one fetch at a time) and uses it; a failed fetch keeps the old. */
  private refreshModels(): Promise<UpstreamModel[]> {
    this.refreshing ??= this.fetchModels()
      .then(
        (models) => {
          this.useModels(models);
          return models;
        },
        (error: unknown) => {
          this.modelsFailed = true;
          throw error;
        },
      )
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** A list just fetched becomes the one in use, and shows that the upstream answers. */
  private useModels(models: UpstreamModel[]): void {
    this.models = Promise.resolve(models);
    this.modelsResolved = true;
    this.modelsFetchedAt = Date.now();
    this.modelsFailed = false;
  }

  /** The name `asked` goes by in a list fetched now, if not `sent`'s any more. */
  private async renamedSince(asked: string, sent: string): Promise<string | undefined> {
    const models = await this.refreshModels().catch(() => undefined);
    const now = models === undefined ? undefined : entryFor(asked, models)?.id;
    return now === sent ? undefined : now;
  }

  /** One fetch of the list, ended when Ferry stops; taking too long is a timeout_error (504). */
  private async fetchModels(): Promise<UpstreamModel[]> {
    const url = `${this.apiBase}/models`;
    const timeoutMs = this.options.modelListTimeoutMs ?? 10_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await this.http.send(
        'GET',
        url,
        undefined,
        AbortSignal.any([this.closing.signal, timeout]),
      );
      if (response.statusCode >= 300) {
        const text = await this.http.errorText(response);
        throw mapUpstreamError(response.statusCode, text, response.headers, { url }).error;
      }
      return parseModelList(await response.body.text());
    } catch (error) {
      if (!timeout.aborted || this.closing.signal.aborted) throw error;
      throw new ApiError(
        'timeout_error',
        `The upstream did not answer GET ${url} within ${timeoutMs / 1000} s`,
      );
    }
  }
}

/**
 * A 4xx is the client's error to the client (the server logs it at debug); one the upstream
 * gave tells an operator something (a model, template or setting that does not fit), unless it
 * is about the context, which clients answer themselves (Claude Code compacts or lowers
 * max_tokens). Whatever of the upstream's text the client was not shown is logged whole.
 */
function reportRefusal(failure: UpstreamFailure, upstreamStatus: number, log: RequestLog): void {
  const { status, message } = failure.error;
  const aboutContext = /^(?:prompt is too long|input length and `max_tokens`)/.test(message);
  const refused = status < 500 && status !== 429 && !aboutContext;
  const said = failure.upstreamText;
  if (!refused && said === undefined) return;
  const what = refused ? 'refused' : 'failed';
  const whole = said === undefined ? '' : `; the upstream said: ${said}`;
  log.warn(
    { upstreamStatus },
    `the upstream ${what} a request (HTTP ${upstreamStatus}): ${message}${whole}`,
  );
}

/**
 * The serialised request with some fields changed (one set to undefined is left out). Rare (a
 * retry): parsed again rather than kept as objects for every request's whole wait.
 */
/** Ollama's `"qwen3-coder:latest" does not support thinking` (server/routes.go). */
function refusesThinking(status: number, text: string): boolean {
  return status === 400 && /does not support thinking/i.test(text);
}

function withFields(
  payload: Buffer[],
  fields: { [K in keyof ChatRequest]?: ChatRequest[K] | undefined },
): Buffer[] {
  const chat = JSON.parse(Buffer.concat(payload).toString('utf8')) as ChatRequest;
  return [Buffer.from(JSON.stringify({ ...chat, ...fields }))];
}

/** A served name's entry: the upstream's model of that name, or its only one. */
function entryFor(model: string, models: UpstreamModel[]): UpstreamModel | undefined {
  return (
    models.find((entry) => entry.id === model) ?? (models.length === 1 ? models[0] : undefined)
  );
}

function parseModelList(text: string): UpstreamModel[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError('api_error', 'The upstream /v1/models answer is not JSON');
  }
  const data = (json as { data?: unknown }).data;
  // Ollama with no model pulled answers `{"object":"list","data":null}`: none served yet.
  if (data === null) return [];
  if (!Array.isArray(data))
    throw new ApiError('api_error', 'The upstream /v1/models answer has no data list');
  return data.flatMap((entry: unknown) => {
    const { id, max_model_len, owned_by } = (entry ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string') return [];
    const model: UpstreamModel = { id };
    if (typeof max_model_len === 'number') model.contextLength = max_model_len;
    const counts = typeof owned_by === 'string' ? countsInEveryChunk.get(owned_by) : undefined;
    if (counts !== undefined) model.countsInEveryChunk = counts;
    return [model];
  });
}

/**
 * How old a model list may be and still show that the upstream answers (GET /v1/models, which
 * `ferry claude` asks before it starts): a few seconds, so that a client asking again and again
 * does not send each ask on to the upstream.
 */
const reachableListMaxAgeMs = 5_000;

/** Statuses a load balancer or a restarting engine answers; worth another try. */
const retryableStatuses = new Set([502, 503]);

function isUnreachable(error: unknown): error is ApiError {
  return error instanceof ApiError && error.type === 'api_error';
}

/**
 * A connection that ended or was reset under a request: no answer came, and the upstream may
 * well be fine (not a refused connection, a DNS failure or a timeout).
 */
function isDroppedConnection(error: ApiError): boolean {
  const code = networkErrorCode(error.cause);
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}

/** `delayMs`, twice that, four times, ... and stops waiting when the client goes away. */
function backoff(attempt: number, delayMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, delayMs * 2 ** attempt);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A max_tokens at least the whole context is dropped: the engine then fills what is left. */
function capMaxTokens(chat: ChatRequest, contextLength: number | undefined): ChatRequest {
  if (contextLength === undefined || chat.max_tokens == null || chat.max_tokens < contextLength)
    return chat;
  const { max_tokens: _dropped, ...rest } = chat;
  return rest;
}

/**
 * Where the upstream can, counts come with every chunk, so that the prompt's token count is
 * known from the first one and `message_start` carries it, as Anthropic's does (vLLM's own
 * Anthropic endpoint asks for the same). Elsewhere it comes last, in `message_delta` only.
 */
function askCountsInEveryChunk(
  chat: ChatRequest,
  upstream: UpstreamModel | undefined,
): ChatRequest {
  if (chat.stream_options?.include_usage !== true) return chat;
  switch (upstream?.countsInEveryChunk) {
    case 'continuous_usage_stats':
      return { ...chat, stream_options: { include_usage: true, continuous_usage_stats: true } };
    case 'timings_per_token':
      // Object.assign, not `{ ...chat, key }`: adding a key after a spread is slow on Node 20.
      return Object.assign({}, chat, { timings_per_token: true });
    case undefined:
      return chat;
  }
}
