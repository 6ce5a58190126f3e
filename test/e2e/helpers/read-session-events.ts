import type { ContentBlock, StreamEvent } from './run-claude-code.js';

/** The content blocks of every message of one role, in order, from stream-json events. */
export function blocksOf(
  events: readonly StreamEvent[],
  type: 'assistant' | 'user',
): ContentBlock[] {
  return events
    .filter((event) => event.type === type && Array.isArray(event.message?.content))
    .flatMap((event) => event.message?.content as ContentBlock[]);
}

/** The tool calls Claude Code received, in order. */
export function toolUsesOf(events: readonly StreamEvent[]): ContentBlock[] {
  return blocksOf(events, 'assistant').filter((block) => block.type === 'tool_use');
}

/** The tool results Claude Code recorded (and sent back), in order. */
export function toolResultsOf(events: readonly StreamEvent[]): ContentBlock[] {
  return blocksOf(events, 'user').filter((block) => block.type === 'tool_result');
}

/** The closing `result` event; fails loudly when the session did not end with one. */
export function resultOf(events: readonly StreamEvent[]): StreamEvent {
  const result = events.findLast((event) => event.type === 'result');
  if (result === undefined) throw new Error(`no result event in ${JSON.stringify(events)}`);
  return result;
}

/** A tool result's text, whether Claude Code sent a string or text blocks. */
export function resultText(block: ContentBlock): string {
  if (typeof block.content === 'string') return block.content;
  if (Array.isArray(block.content))
    return (block.content as Array<{ text?: string }>).map((part) => part.text ?? '').join('');
  return '';
}
