import type {
  Message,
  MessageDeltaUsage,
  RawMessageStreamEvent,
  StopReason,
  TextBlock,
  ThinkingBlock,
  ToolUseBlock,
} from '@anthropic-ai/sdk/resources/messages';
import type {
  BetaMessage,
  BetaMessageDeltaUsage,
  BetaRawMessageDeltaEvent,
} from '@anthropic-ai/sdk/resources/beta/messages';
import type { ModelFinishReason, ModelStreamPart, ModelUsage } from '../model/model-stream-part.js';
import { ApiError } from './api-error.js';
import { createId } from './create-ids.js';
import { encodeThinkingSignature } from './thinking-signature.js';
import { ToolInputFilter } from './tool-input-filter.js';

export interface MessageStreamBuilderOptions {
  messageId?: string;
  /** The model id reported to the client (the one it asked for). */
  model: string;
  /** Prompt tokens known before generation (usage in the first chunk); 0 when unknown. */
  inputTokens?: number;
  /** `thinking.display: "omitted"`: thinking text travels only inside the signature. */
  omitThinking?: boolean;
  /**
   * Thinking not enabled: Anthropic then sends no thinking blocks, so reasoning a model writes
   * anyway (some always do) is left out of the reply; its tokens still count as output.
   */
  dropThinking?: boolean;
  /**
   * `max_tokens: 0`: the prompt is read (into the engine's prefix cache) and nothing is
   * generated for the client: no blocks, stop_reason max_tokens, no output tokens.
   */
  promptOnly?: boolean;
  /** Told when a tool call's arguments were not clean JSON and were repaired or cut short. */
  onToolInputProblem?: (details: { tool: string; problem: string }) => void;
}

/** message_delta as both the SDK's stable and beta types declare it. */
type MessageDelta = RawMessageStreamEvent & { type: 'message_delta' } & BetaRawMessageDeltaEvent;

type OpenBlock =
  | { kind: 'text'; index: number }
  | { kind: 'thinking'; index: number; text: string }
  | { kind: 'tool'; index: number; partId: string; name: string; input: ToolInputFilter };

/** An engine's content filter names no category, reason or fallback (every field is null). */
const refusalDetails = {
  type: 'refusal',
  category: null,
  explanation: null,
  fallback_credit_token: null,
  fallback_has_prefill_claim: null,
  recommended_model: null,
} as const;

/**
 * Neutral parts → Anthropic stream events. The only place block indices live: one block open
 * at a time, indices contiguous from 0, `message_start` first, exactly one `message_delta`,
 * `message_stop` last. `finish()` closes what is open; a stream without a finish part is an
 * error, never a success.
 */
export class MessageStreamBuilder {
  private readonly messageId: string;
  private started = false;
  private block: OpenBlock | undefined;
  private nextIndex = 0;
  private toolBlocks = 0;
  private finishReason: ModelFinishReason | undefined;
  private stopSequence: string | null = null;
  private usage: ModelUsage | undefined;
  /** Whitespace that would open a text block, waiting for text (see textDelta). */
  private heldWhitespace = '';

  constructor(private readonly options: MessageStreamBuilderOptions) {
    this.messageId = options.messageId ?? createId('msg');
  }

  push(part: ModelStreamPart): RawMessageStreamEvent[] {
    // Usage known before any content (the embedded engine's prompt count) goes in message_start.
    if (part.type === 'usage') {
      this.usage = part.usage;
      return this.start();
    }
    const events = this.start();
    if (this.options.promptOnly === true) {
      if (part.type === 'finish') this.finishReason = 'max-tokens';
      return events;
    }
    switch (part.type) {
      case 'text-delta':
        // No block for nothing: a client sends the reply back, and an empty text block is a 400.
        if (part.text !== '') this.textDelta(part.text, events);
        break;
      case 'reasoning-delta':
        if (part.text !== '' && this.options.dropThinking !== true)
          this.reasoningDelta(part.text, events);
        break;
      case 'tool-call-start':
        this.openToolBlock(part.id, part.name, events);
        break;
      case 'tool-call-delta':
        this.toolDelta(part.id, part.argumentsDelta, events);
        break;
      case 'tool-call-end':
        if (this.block?.kind === 'tool' && this.block.partId === part.id) this.closeBlock(events);
        break;
      case 'finish':
        this.finishReason = part.reason;
        this.stopSequence = part.stopSequence ?? null;
        break;
    }
    return events;
  }

  /** message_start, once; pushing a part starts the message too. */
  start(): RawMessageStreamEvent[] {
    if (this.started) return [];
    this.started = true;
    return [{ type: 'message_start', message: this.emptyMessage() }];
  }

  finish(): RawMessageStreamEvent[] {
    if (this.finishReason === undefined) {
      throw new ApiError('api_error', 'The model stream ended before the model finished');
    }
    const events = this.start();
    this.closeBlock(events);
    const stopReason = this.stopReason(this.finishReason);
    const delta: MessageDelta = {
      type: 'message_delta',
      delta: {
        stop_reason: stopReason,
        stop_sequence: this.stopSequence,
        stop_details: stopReason === 'refusal' ? refusalDetails : null,
        container: null,
      },
      // Claude Code asks for context_management edits; Ferry applies none.
      context_management: null,
      usage: this.deltaUsage(),
    };
    events.push(delta);
    events.push({ type: 'message_stop' });
    return events;
  }

  private textDelta(text: string, events: RawMessageStreamEvent[]): void {
    if (this.block?.kind !== 'text') {
      // The reply goes back in the next request, where a text block of whitespace only is a
      // 400 (Anthropic's rule): whitespace waits for text, and goes if a block comes instead.
      if (!/\S/.test(text)) {
        this.heldWhitespace += text;
        return;
      }
      text = this.heldWhitespace + text;
      this.heldWhitespace = '';
      const block: TextBlock = { type: 'text', text: '', citations: null };
      this.openBlock(events, { kind: 'text', index: this.nextIndex }, block);
    }
    const index = this.nextIndex - 1;
    events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
  }

  private reasoningDelta(text: string, events: RawMessageStreamEvent[]): void {
    if (this.block?.kind !== 'thinking') {
      const block: ThinkingBlock = { type: 'thinking', thinking: '', signature: '' };
      this.openBlock(events, { kind: 'thinking', index: this.nextIndex, text: '' }, block);
    }
    const block = this.block as OpenBlock & { kind: 'thinking' };
    block.text += text;
    if (this.options.omitThinking === true) return;
    events.push({
      type: 'content_block_delta',
      index: block.index,
      delta: { type: 'thinking_delta', thinking: text },
    });
  }

  private openToolBlock(partId: string, name: string, events: RawMessageStreamEvent[]): void {
    const block: ToolUseBlock = {
      type: 'tool_use',
      id: createId('toolu'),
      name,
      input: {},
      caller: { type: 'direct' },
    };
    const input = new ToolInputFilter();
    this.openBlock(events, { kind: 'tool', index: this.nextIndex, partId, name, input }, block);
    this.toolBlocks++;
  }

  /** Arguments go out through the block's filter, so they always join into a JSON object. */
  private toolDelta(partId: string, json: string, events: RawMessageStreamEvent[]): void {
    if (json === '' || this.block?.kind !== 'tool' || this.block.partId !== partId) return;
    this.inputJsonDelta(this.block.index, this.block.input.push(json), events);
  }

  private inputJsonDelta(index: number, json: string, events: RawMessageStreamEvent[]): void {
    if (json === '') return;
    events.push({
      type: 'content_block_delta',
      index,
      delta: { type: 'input_json_delta', partial_json: json },
    });
  }

  private openBlock(
    events: RawMessageStreamEvent[],
    block: OpenBlock,
    contentBlock: TextBlock | ThinkingBlock | ToolUseBlock,
  ): void {
    this.closeBlock(events);
    this.heldWhitespace = '';
    this.block = block;
    this.nextIndex++;
    events.push({ type: 'content_block_start', index: block.index, content_block: contentBlock });
  }

  private closeBlock(events: RawMessageStreamEvent[]): void {
    const block = this.block;
    if (block === undefined) return;
    if (block.kind === 'thinking') {
      const signature = encodeThinkingSignature(
        this.options.omitThinking === true ? block.text : '',
      );
      events.push({
        type: 'content_block_delta',
        index: block.index,
        delta: { type: 'signature_delta', signature },
      });
    } else if (block.kind === 'tool') {
      this.inputJsonDelta(block.index, block.input.end(), events);
      const problem = block.input.problem;
      if (problem !== undefined) this.options.onToolInputProblem?.({ tool: block.name, problem });
    }
    events.push({ type: 'content_block_stop', index: block.index });
    this.block = undefined;
  }

  private stopReason(reason: ModelFinishReason): StopReason {
    switch (reason) {
      case 'end-turn':
      case 'tool-calls':
        return this.toolBlocks > 0 ? 'tool_use' : 'end_turn';
      case 'max-tokens':
        return 'max_tokens';
      case 'stop-sequence':
        return 'stop_sequence';
      case 'context-window-exceeded':
        return 'model_context_window_exceeded';
      case 'refusal':
        return 'refusal';
    }
  }

  /**
   * Every field the SDK's Message and BetaMessage declare is present (typed SDKs in other
   * languages reject a missing required field; Claude Code reads replies as BetaMessage); what
   * Ferry has no value for is null, as Anthropic sends it.
   */
  private emptyMessage(): Message & BetaMessage {
    const prompt = this.promptTokens();
    return {
      id: this.messageId,
      type: 'message',
      role: 'assistant',
      model: this.options.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      context_management: null,
      usage: {
        input_tokens: prompt.input,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: prompt.cached,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
        output_tokens: 0,
        output_tokens_details: null,
        server_tool_use: null,
        service_tier: 'standard',
        inference_geo: null,
        speed: null,
        iterations: null,
        fallback_credit: null,
      },
    };
  }

  private deltaUsage(): MessageDeltaUsage & BetaMessageDeltaUsage {
    const prompt = this.promptTokens();
    return {
      input_tokens: prompt.input,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: prompt.cached,
      output_tokens: this.options.promptOnly === true ? 0 : (this.usage?.outputTokens ?? 0),
      output_tokens_details: this.outputTokensDetails(),
      server_tool_use: null,
      iterations: null,
      fallback_credit: null,
    };
  }

  /** Thinking tokens, where the engine counted them; Ferry does not guess them otherwise. */
  private outputTokensDetails(): { thinking_tokens: number } | null {
    const reasoning = this.options.promptOnly === true ? undefined : this.usage?.reasoningTokens;
    return reasoning === undefined ? null : { thinking_tokens: reasoning };
  }

  /**
   * Anthropic counts cache reads apart from input tokens (input + cache_read = whole prompt),
   * so the engine's cached prefix is moved out of input_tokens. Written out field by field in
   * the usage objects: on Node 20's V8 a literal that adds keys after a spread costs ~0.7 µs a
   * key (~10 µs a request here), one that lists them costs almost nothing.
   */
  private promptTokens(): { input: number; cached: number } {
    const cached = this.usage?.cachedInputTokens ?? 0;
    return { input: (this.usage?.inputTokens ?? this.options.inputTokens ?? 0) - cached, cached };
  }
}
