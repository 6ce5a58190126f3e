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
  /**
   * Anthropic continues each reply once: while a continue from it is under way, another is
   * `thread_continue_in_flight`; once one was kept, another is `thread_already_continued`, and
   * only that mark is held (the conversation lives on in the continuation).
   */
  state: 'open' | 'continuing' | 'continued';
}

/** What the mark of a continued reply is counted at: its id, the map entry, the object. */
const continuedBytes = 256;

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
  /**
   * Called once the turn is over, however it ended: a continue that kept no reply (it failed,
   * or its client left) leaves its previous reply free to be continued again, as a retry does.
   */
  end?: () => void;
}

/**
 * Message threads (beta message-threads-2026-08-12): the server holds a conversation between
 * turns, so a client sends only each turn's new messages. `thread: {type: "create"}` keeps the
 * conversation under the reply's `id`; `{type: "continue", previous_message_id}` puts the kept
 * system prompt, tools and messages in front of the new ones. The official SDK's
 * `beta.messages.thread()` and its tool runner work this way.
 *
 * Kept in memory, most recently used last, within `maxBytes` (counted as the bytes each
 * conversation came in, decoded): a thread Ferry no longer holds (evicted, or Ferry restarted)
 * is Anthropic's `thread_not_found`, on which the SDK sends the whole history again in a new
 * thread, as it does on `thread_already_continued` and `thread_continue_in_flight` (a reply is
 * continued once; a fork is a new thread). Messages are shared between a thread and its
 * continuation, not copied.
 */
export class MessageThreads {
  private readonly threads = new Map<string, Thread>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  /** `size`: the request body's bytes, decoded (a gzip body counts as the JSON it holds). */
  open(body: MessagesRequest, size: number): ThreadTurn {
    const thread = body.thread;
    if (thread == null) return { request: body };
    if (thread.type === 'create') {
      const conversation = { system: body.system, tools: body.tools, messages: body.messages };
      return {
        request: body,
        keep: (reply) => this.keep(reply, conversation, size, compacts(body, reply)),
      };
    }
    const previousId = thread.previous_message_id;
    const kept = this.continuable(previousId, body);
    kept.state = 'continuing';
    this.threads.delete(previousId); // most recently used
    this.threads.set(previousId, kept);
    // A continue may bring no messages of its own (the SDK's after a `compaction` stop): the
    // kept conversation, which ends with its reply, is never empty.
    const messages = [...kept.messages, ...body.messages];
    return {
      request: {
        ...body,
        ...(kept.system === undefined ? {} : { system: kept.system }),
        ...(kept.tools === undefined ? {} : { tools: kept.tools }),
        messages,
      },
      keep: (reply) => {
        this.retire(previousId, kept);
        const conversation = { system: kept.system, tools: kept.tools, messages };
        this.keep(reply, conversation, kept.bytes + size, compacts(body, reply));
      },
      renumber: (error) => renumberMessages(error, kept.messages.length, previousId),
      end: () => {
        if (kept.state === 'continuing') kept.state = 'open';
      },
    };
  }

  /** The thread a continue from `previousId` builds on, or the error Anthropic answers. */
  private continuable(previousId: string, body: MessagesRequest): Thread {
    const kept = this.threads.get(previousId);
    if (kept === undefined)
      throw new ApiError(
        'not_found_error',
        `thread.previous_message_id: Ferry holds no thread with '${previousId}' (threads are kept in memory: it may have been evicted, or Ferry restarted); send the whole conversation with thread: {"type": "create"}`,
        { details: { error_code: 'thread_not_found' } },
      );
    if (kept.state !== 'open') throw continuedError(kept.state, previousId);
    if (body.system !== undefined || body.tools !== undefined)
      throw new ApiError(
        'invalid_request_error',
        `${body.system === undefined ? 'tools' : 'system'}: a continued thread keeps the system prompt and tools it was created with; leave them out`,
      );
    return kept;
  }

  /** A reply now continued: only its mark stays, in its place. */
  private retire(id: string, kept: Thread): void {
    kept.state = 'continued';
    if (this.threads.get(id) !== kept) return; // evicted while the continue ran
    const mark = { system: undefined, tools: undefined, messages: [], bytes: continuedBytes };
    this.threads.set(id, { ...mark, state: 'continued' });
    this.bytes += continuedBytes - kept.bytes;
  }

  /**
   * Keeps the conversation and its reply under the reply's id. After a compaction the reply's
   * summary stands in place of everything before it, so that is all a thread keeps.
   */
  private keep(
    reply: Message,
    conversation: Pick<Thread, 'system' | 'tools' | 'messages'>,
    size: number,
    compacted: boolean,
  ): void {
    const answer: RequestMessage = { role: 'assistant', content: reply.content.map(requestBlock) };
    const thread: Thread = {
      ...conversation,
      messages: compacted ? [answer] : [...conversation.messages, answer],
      bytes: (compacted ? 0 : size) + JSON.stringify(answer.content).length,
      state: 'open',
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
 * Whether the reply to `body` is a compaction that replaces the conversation: one with a
 * summary. A failed one (`content: null`) changes nothing, as Anthropic treats such a block.
 */
function compacts(body: MessagesRequest, reply: Message): boolean {
  return body.compaction != null && reply.content.some((block) => summaryOf(block) != null);
}

/**
 * The refusal of a second continue from a reply: 400s the SDK reads as its
 * ThreadContinueInFlightError and ThreadAlreadyContinuedError.
 */
function continuedError(state: 'continuing' | 'continued', previousId: string): ApiError {
  const field = 'thread.previous_message_id';
  const restart = 'or send the whole conversation with thread: {"type": "create"}';
  return state === 'continuing'
    ? new ApiError(
        'invalid_request_error',
        `${field}: another request is still continuing from '${previousId}'; wait for it and continue from its reply, ${restart}`,
        { details: { error_code: 'thread_continue_in_flight' } },
      )
    : new ApiError(
        'invalid_request_error',
        `${field}: '${previousId}' was already continued, and a reply is continued only once; continue from the thread's latest reply, ${restart}`,
        { details: { error_code: 'thread_already_continued' } },
      );
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
  if ((block.type as string) === 'compaction')
    return { type: 'compaction', content: summaryOf(block) ?? null, encrypted_content: null };
  throw new Error(`a reply block of type ${block.type} cannot be kept in a thread`);
}

/** A compaction block's summary (the non-beta Message type has no such block). */
function summaryOf(block: Message['content'][number]): string | null | undefined {
  const compaction = block as unknown as { type: string; content?: string | null };
  return compaction.type === 'compaction' ? compaction.content : undefined;
}
