import type { Message, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { parseToolInput } from './parse-tool-input.js';

type Block = Message['content'][number];
type MutableBlock = Block & { _json?: string };

/**
 * Folds a stream's events into the non-streaming Message, so `stream: false` replies are built
 * from the same event path as streams. Tool input is parsed once, when its block closes (the
 * builder's filter has already made it a whole JSON object, also where `max_tokens` cut it off).
 */
export class MessageAccumulator {
  private message: Message | undefined;

  push(event: RawMessageStreamEvent): void {
    switch (event.type) {
      case 'message_start':
        this.message = { ...event.message, content: [] };
        return;
      case 'content_block_start':
        this.current().content[event.index] = { ...event.content_block };
        return;
      case 'content_block_delta':
        this.applyDelta(event);
        return;
      case 'content_block_stop':
        this.closeBlock(event.index);
        return;
      case 'message_delta':
        this.applyMessageDelta(event);
        return;
      case 'message_stop':
        return;
    }
  }

  result(): Message {
    return this.current();
  }

  private applyDelta(event: RawMessageStreamEvent & { type: 'content_block_delta' }): void {
    const block = this.current().content[event.index] as MutableBlock | undefined;
    const delta = event.delta;
    if (block === undefined) return;
    if (delta.type === 'text_delta' && block.type === 'text') block.text += delta.text;
    else if (delta.type === 'thinking_delta' && block.type === 'thinking')
      block.thinking += delta.thinking;
    else if (delta.type === 'signature_delta' && block.type === 'thinking')
      block.signature = delta.signature;
    else if (delta.type === 'input_json_delta')
      block._json = (block._json ?? '') + delta.partial_json;
    else if ((delta as { type: string }).type === 'compaction_delta')
      Object.assign(block, { content: (delta as unknown as { content: string | null }).content });
  }

  private closeBlock(index: number): void {
    const block = this.current().content[index] as MutableBlock | undefined;
    if (block?.type !== 'tool_use') return;
    const json = block._json;
    delete block._json;
    if (json === undefined) return;
    block.input = parseToolInput(json);
  }

  private applyMessageDelta(event: RawMessageStreamEvent & { type: 'message_delta' }): void {
    const message = this.current();
    message.stop_reason = event.delta.stop_reason;
    message.stop_sequence = event.delta.stop_sequence;
    message.stop_details = event.delta.stop_details ?? null;
    if (event.delta.container != null) message.container = event.delta.container;
    message.usage = { ...message.usage, ...definedUsage(event.usage) };
  }

  private current(): Message {
    if (this.message === undefined) throw new Error('message_start must come first');
    return this.message;
  }
}

function definedUsage(usage: object): Partial<Message['usage']> {
  return Object.fromEntries(Object.entries(usage).filter(([, value]) => value != null));
}
