import type { ModelFinishReason, ModelStreamPart } from '../model/model-stream-part.js';
import type { TextParser, TextParserFactory, TextParserOptions } from './text-parser.js';

/** Which raw-text parsers apply to one response (either may be absent). */
export interface TextParserSelection {
  reasoning?: TextParserFactory;
  toolCalls?: TextParserFactory;
}

/**
 * The stage between a backend's parts and the message builder: upstream text goes through the
 * reasoning parser, then the tool-call parser; every other part passes unchanged. Pure and
 * synchronous: feed parts with `push`, and call `finish` if the stream ends without a `finish`
 * part. Once the upstream sends a structured tool call it evidently parses calls itself, so
 * text is no longer searched for them. Where text parts say how many tokens they came from
 * (the embedded engine), the reasoning tokens are counted into the usage as `reasoningTokens`
 * (unless the backend reported its own): those whose text came out as reasoning, and, as
 * Anthropic counts them, the delimiters around it (tokens whose text the parser consumed at the
 * start or right after reasoning).
 */
export class TextPartsParser {
  private readonly reasoning: TextParser | undefined;
  private toolCalls: TextParser | undefined;
  private callCount = 0;
  private reasoningTokens = 0;
  /** Tokens at the start whose text produced nothing yet (an opening delimiter, perhaps). */
  private leadingTokens = 0;
  private lastOutput: 'reasoning' | 'other' | undefined;
  private finished = false;

  constructor(selection: TextParserSelection, options: TextParserOptions) {
    this.reasoning = selection.reasoning?.(options);
    this.toolCalls = selection.toolCalls?.(options);
  }

  push(part: ModelStreamPart): ModelStreamPart[] {
    if (this.finished) return [part];
    switch (part.type) {
      case 'text-delta':
        return this.parseText(part);
      case 'tool-call-start':
        this.callCount++;
        return [...this.stopParsingToolCalls(), part];
      case 'finish':
        return [...this.flush(), { ...part, reason: this.fixReason(part.reason) }];
      case 'usage':
        return [this.withReasoningTokens(part)];
      case 'reasoning-delta':
      case 'tool-call-delta':
      case 'tool-call-end':
        return [part];
    }
  }

  /** Releases everything held back (the stream ended without a `finish` part). */
  finish(): ModelStreamPart[] {
    return this.finished ? [] : this.flush();
  }

  private parseText({ text, tokens }: { text: string; tokens?: number }): ModelStreamPart[] {
    const parts = this.reasoning === undefined ? [textPart(text)] : this.reasoning.push(text);
    if (tokens !== undefined) this.countReasoningTokens(parts, tokens);
    return this.parseToolCalls(parts);
  }

  private countReasoningTokens(parts: ModelStreamPart[], tokens: number): void {
    if (parts.some((p) => p.type === 'reasoning-delta')) {
      this.reasoningTokens += this.leadingTokens + tokens;
      this.leadingTokens = 0;
      this.lastOutput = 'reasoning';
    } else if (parts.length > 0) {
      this.leadingTokens = 0;
      this.lastOutput = 'other';
    } else if (this.lastOutput === 'reasoning') this.reasoningTokens += tokens;
    else if (this.lastOutput === undefined) this.leadingTokens += tokens;
  }

  private withReasoningTokens(part: ModelStreamPart & { type: 'usage' }): ModelStreamPart {
    if (this.reasoningTokens === 0 || part.usage.reasoningTokens !== undefined) return part;
    return { ...part, usage: { ...part.usage, reasoningTokens: this.reasoningTokens } };
  }

  /** Passes the text parts among `parts` through the tool-call parser, counting calls. */
  private parseToolCalls(parts: ModelStreamPart[]): ModelStreamPart[] {
    const parser = this.toolCalls;
    const out =
      parser === undefined
        ? parts
        : parts.flatMap((p) => (p.type === 'text-delta' ? parser.push(p.text) : [p]));
    this.callCount += out.filter((p) => p.type === 'tool-call-start').length;
    return out;
  }

  private stopParsingToolCalls(): ModelStreamPart[] {
    const held = this.toolCalls?.finish() ?? [];
    this.toolCalls = undefined;
    this.callCount += held.filter((p) => p.type === 'tool-call-start').length;
    return held;
  }

  private flush(): ModelStreamPart[] {
    this.finished = true;
    const fromReasoning = this.parseToolCalls(this.reasoning?.finish() ?? []);
    return [...fromReasoning, ...this.stopParsingToolCalls()];
  }

  /** The finish reason agrees with what was emitted: calls mean `tool-calls`, none `end-turn`. */
  private fixReason(reason: ModelFinishReason): ModelFinishReason {
    if (reason === 'end-turn' && this.callCount > 0) return 'tool-calls';
    if (reason === 'tool-calls' && this.callCount === 0) return 'end-turn';
    return reason;
  }
}

function textPart(text: string): ModelStreamPart {
  return { type: 'text-delta', text };
}
