// The /v1/messages work every HTTP layer in the comparison runs, taken from Ferry's built code
// (dist/): JSON.parse, edge validation, model resolution, translation, the upstream stream
// through the OpenAI-compatible backend, Anthropic events, SSE writing or the folded message.
// Only the HTTP layer around it differs between the servers compared.
import { OpenAICompatibleBackend } from '../../dist/backends/openai-compatible/openai-compatible-backend.js';
import { MessageAccumulator } from '../../dist/protocol/accumulate-message.js';
import { toApiError } from '../../dist/protocol/api-error.js';
import { messagesRequestSchema } from '../../dist/protocol/messages-request-schema.js';
import { parseRequestBody } from '../../dist/protocol/parse-messages-request.js';
import { resolveServedModel } from '../../dist/server/resolve-served-model.js';
import { streamMessageEvents } from '../../dist/server/stream-message-events.js';
import { buildModelRequest } from '../../dist/translate/build-model-request.js';

export { writeSse } from '../../dist/server/write-sse.js';

export function createPipeline(upstream) {
  const backend = new OpenAICompatibleBackend({ url: upstream });
  return {
    /** Parsed, validated and sent upstream; events are pulled by the caller. */
    async open(text, signal) {
      const body = parseRequestBody(messagesRequestSchema, JSON.parse(text));
      const model = await resolveServedModel(backend, body.model, {}, signal);
      const modelRequest = buildModelRequest(body, { model });
      const parts = backend.streamChat(modelRequest, signal);
      const events = streamMessageEvents(parts, {
        model: body.model,
        omitThinking: false,
        stopSequences: modelRequest.stopSequences,
      });
      return { stream: body.stream === true, events };
    },
    async collect(events) {
      const accumulator = new MessageAccumulator();
      for await (const batch of events) for (const event of batch) accumulator.push(event);
      return accumulator.result();
    },
  };
}

/** Status and JSON body of a failure, as Ferry renders it. */
export function errorReply(error) {
  const apiError = toApiError(error);
  return { status: apiError.status, body: JSON.stringify(apiError.toJSON()) };
}

export const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
};
export const quietLogger = { warn() {} };
