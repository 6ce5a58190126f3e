import type { Message } from '@anthropic-ai/sdk/resources/messages';
import { ApiError } from '../protocol/api-error.js';
import type {
  MessagesRequest,
  RequestContentBlock,
  RequestMessage,
} from '../protocol/messages-request-schema.js';

interface Thread {
  system: MessagesRequest['system'];
  tools: MessagesRequest['tools'];
  /** The whole conversation up to and including the reply this thread is kept under. */
  messages: readonly RequestMessage[];
  /** Bytes the conversation came in, counted for eviction. */
  bytes: number;
}

/** The request as the model is to see it, and what to do with its reply. */
export interface ThreadTurn {
  request: MessagesRequest;
  /** Keeps the conversation under the reply's id, for a later `continue` (threaded turns only). */
  keep?: (reply: Message) => void;
  /**
   * An error about `request.messages` as the client would read it: a continue's indexes count
   * from its own first message, not from the kept ones in front of it.
   */
  renumber?: (error: unknown) => unknown;
}

/**
 * Message threads (beta message-threads-2026-08-12): the server holds a conversation between
 * turns, so a client sends only each turn's new messages. `thread: {type: "create"}` keeps the
 * conversation under the reply's `id`; `{type: "continue", previous_message_id}` puts the kept
 * system prompt, tools and messages in front of the new ones. The official SDK's
 * `beta.messages.thread()` and its tool runner work this way.
 *
 * Kept in memory, most recently used last, within `maxBytes` (counted as the bytes each
 * conversation came in): a thread Ferry no longer holds (evicted, or Ferry restarted) is
 * Anthropic's `thread_not_found`, on which the SDK sends the whole history again in a new
 * thread. Messages are shared between a thread and its continuations, not copied.
 */
export class MessageThreads {
  private readonly threads = new Map<string, Thread>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  /** `size`: the request body's bytes. */
  open(body: MessagesRequest, size: number): ThreadTurn {
    const thread = body.thread;
    if (thread == null) return { request: body };
    if (thread.type === 'create') {
      return {
        request: body,
        keep: (reply) =>
          this.keep(
            reply,
            { system: body.system, tools: body.tools, messages: keptBefore(body, body.messages) },
            size,
          ),
      };
    }
    const kept = this.threads.get(thread.previous_message_id);
    if (kept === undefined)
      throw new ApiError(
        'not_found_error',
        `thread.previous_message_id: Ferry holds no thread with '${thread.previous_message_id}' (threads are kept in memory: it may have been evicted, or Ferry restarted); send the whole conversation with thread: {"type": "create"}`,
        { details: { error_code: 'thread_not_found' } },
      );
    if (body.system !== undefined || body.tools !== undefined)
      throw new ApiError(
        'invalid_request_error',
        `${body.system === undefined ? 'tools' : 'system'}: a continued thread keeps the system prompt and tools it was created with; leave them out`,
      );
    this.threads.delete(thread.previous_message_id); // most recently used
    this.threads.set(thread.previous_message_id, kept);
    const messages = [...kept.messages, ...body.messages];
    return {
      request: {
        ...body,
        ...(kept.system === undefined ? {} : { system: kept.system }),
        ...(kept.tools === undefined ? {} : { tools: kept.tools }),
        messages,
      },
      keep: (reply) =>
        this.keep(
          reply,
          { system: kept.system, tools: kept.tools, messages: keptBefore(body, messages) },
          kept.bytes + size,
        ),
      renumber: (error) =>
        renumberMessages(error, kept.messages.length, thread.previous_message_id),
    };
  }

  private keep(reply: Message, conversation: Omit<Thread, 'bytes'>, size: number): void {
    const answer: RequestMessage = { role: 'assistant', content: reply.content.map(requestBlock) };
    const thread = {
      ...conversation,
      messages: [...conversation.messages, answer],
      bytes: size + JSON.stringify(answer.content).length,
    };
    this.threads.set(reply.id, thread);
    this.bytes += thread.bytes;
    // The newest thread stays even alone over the limit: it is the one a client continues.
    for (const [id, oldest] of this.threads) {
      if (this.bytes <= this.maxBytes || id === reply.id) break;
      this.threads.delete(id);
      this.bytes -= oldest.bytes;
    }
  }
}

/**
 * What a thread keeps in front of a reply: the conversation, except after a compaction, whose
 * reply stands in place of everything before it.
 */
function keptBefore(
  body: MessagesRequest,
  messages: readonly RequestMessage[],
): readonly RequestMessage[] {
  return body.compaction == null ? messages : [];
}

/** `messages.N` in an error's message, for a continue whose first `offset` messages were kept. */
function renumberMessages(error: unknown, offset: number, previousId: string): unknown {
  if (!(error instanceof ApiError)) return error;
  return error.withMessage(
    error.message.replace(/\bmessages\.(\d+)/g, (_, index: string) =>
      Number(index) >= offset
        ? `messages.${Number(index) - offset}`
        : `messages.${index} of the thread continued from ${previousId}`,
    ),
  );
}

/** A reply's content block as a request sends it back (Ferry's replies hold no other kinds). */
function requestBlock(block: Message['content'][number]): RequestContentBlock {
  if (block.type === 'text') return { type: 'text', text: block.text };
  if (block.type === 'tool_use')
    return {
      type: 'tool_use',
      id: block.id,
      name: block.name,
      input: block.input as Record<string, unknown>,
    };
  if (block.type === 'thinking')
    return { type: 'thinking', thinking: block.thinking, signature: block.signature };
  if (block.type === 'redacted_thinking') return { type: 'redacted_thinking', data: block.data };
  const compaction = block as unknown as { type: string; content?: string | null };
  if (compaction.type === 'compaction')
    return { type: 'compaction', content: compaction.content ?? null, encrypted_content: null };
  throw new Error(`a reply block of type ${block.type} cannot be kept in a thread`);
}
