import type { ChatRequest, ModelRequest } from '../model/model-request.js';
import type { MessagesRequest } from '../protocol/messages-request-schema.js';
import type { ChatMessage } from './chat-message.js';
import { convertMessages } from './convert-messages.js';
import { convertSystemPrompt } from './convert-system-prompt.js';
import { convertToolChoice } from './convert-tool-choice.js';
import { collectToolSchemas, convertTools } from './convert-tools.js';
import { toolChanges, type ToolChanges } from './tool-changes.js';
import { hidesThinking, mapThinkingOptions } from './map-thinking-options.js';
import { replyEffort } from './reply-effort.js';
import type { ConvertedTools, ToolConversionCache } from './tool-conversion-cache.js';

export interface BuildModelRequestOptions {
  /** The served model the request's `model` resolved to. */
  model: string;
  sessionKey?: string;
  /** Conversions of tool lists seen before (one per server); without it tools are converted. */
  toolCache?: ToolConversionCache | undefined;
}

/**
 * The whole Anthropic → OpenAI request translation (pure, but for the tool cache it may be
 * given, which only saves work: the result is the same). Field order is fixed so the upstream
 * body is byte-stable for the same input. Stop sequences are not sent upstream: Ferry matches
 * them itself so it can report the matched string on every engine (llama-server does not say
 * which stop string ended generation).
 */
export function buildModelRequest(
  request: MessagesRequest,
  options: BuildModelRequestOptions,
): ModelRequest {
  const changes = toolChanges(request.messages, request.tools ?? []);
  const { functions: tools, schemas: toolSchemas } = convertRequestTools(request, changes, options);
  const toolNames = new Set(tools.map((tool) => tool.function.name));
  const messages = convertMessages(request.messages, convertSystemPrompt(request.system));
  const chat: ChatRequest = {
    model: options.model,
    messages: messages,
    ...(tools.length === 0 ? {} : { tools }),
    ...convertToolChoice(request.tool_choice, toolNames, request.tools, changes.removed),
    // 0 asks only for the prompt to be read (cache warming); engines want at least one token,
    // which the reply leaves out (MessageStreamBuilderOptions.promptOnly).
    max_tokens: Math.max(request.max_tokens, 1),
    ...samplingOptions(request),
    ...mapThinkingOptions(request.thinking, replyEffort(request.messages, request.output_config)),
    ...responseFormat(request),
    ...prefillOptions(messages),
    ...(request.metadata?.user_id == null ? {} : { user: request.metadata.user_id }),
    ...streamOptions(request),
  };
  return {
    model: options.model,
    chat,
    stopSequences: request.stop_sequences ?? [],
    toolSchemas,
    ...(hidesThinking(request.thinking) ? { hidesReasoning: true } : {}),
    ...(options.sessionKey === undefined ? {} : { sessionKey: options.sessionKey }),
  };
}

/**
 * Streaming clients get an upstream stream with usage. A non-streaming client gets one JSON
 * reply from the upstream (no per-token framing to pay for) unless stop sequences need Ferry
 * to watch the text as it comes and stop generation early.
 */
function streamOptions(request: MessagesRequest): Pick<ChatRequest, 'stream' | 'stream_options'> {
  const stream = request.stream === true || (request.stop_sequences?.length ?? 0) > 0;
  return stream ? { stream: true, stream_options: { include_usage: true } } : { stream: false };
}

function samplingOptions(request: MessagesRequest): Partial<ChatRequest> {
  return {
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.top_p === undefined ? {} : { top_p: request.top_p }),
    ...(request.top_k === undefined ? {} : { top_k: request.top_k }),
  };
}

/**
 * `output_config.format` (structured outputs) → `response_format: json_schema`. The older
 * `output_format` wins where both are given, as in the official SDK's own handling.
 */
function responseFormat(request: MessagesRequest): Partial<ChatRequest> {
  const format = request.output_format ?? request.output_config?.format;
  if (format == null) return {};
  return {
    response_format: {
      type: 'json_schema',
      json_schema: { name: 'output', schema: format.schema, strict: true },
    },
  };
}

/** A final assistant message is a prefill: the model continues it instead of starting anew. */
function prefillOptions(messages: readonly ChatMessage[]): Partial<ChatRequest> {
  return messages.at(-1)?.role === 'assistant'
    ? { continue_final_message: true, add_generation_prompt: false }
    : {};
}

function convertRequestTools(
  request: MessagesRequest,
  changes: ToolChanges,
  options: BuildModelRequestOptions,
): ConvertedTools {
  const tools = request.tools ?? [];
  if (tools.length > 0 && options.toolCache !== undefined)
    return options.toolCache.convert(tools, changes);
  return { functions: convertTools(tools, changes), schemas: collectToolSchemas(tools, changes) };
}
