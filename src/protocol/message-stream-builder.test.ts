import type {
  Message,
  RawMessageDeltaEvent,
  RawMessageStreamEvent,
  TextBlock,
  ThinkingBlock,
  ToolUseBlock,
} from '@anthropic-ai/sdk/resources/messages';
import type {
  BetaMessage,
  BetaRawMessageDeltaEvent,
} from '@anthropic-ai/sdk/resources/beta/messages';
import { describe, expect, test } from 'vitest';
import type { ModelStreamPart } from '../model/model-stream-part.js';
import { MessageAccumulator } from './accumulate-message.js';
import { MessageStreamBuilder } from './message-stream-builder.js';
import { decodeThinkingSignature } from './thinking-signature.js';

function build(parts: ModelStreamPart[], omitThinking = false): RawMessageStreamEvent[] {
  const builder = new MessageStreamBuilder({ model: 'claude-x', messageId: 'msg_1', omitThinking });
  return [...parts.flatMap((part) => builder.push(part)), ...builder.finish()];
}

/** Event types with block indices, the shape MessageStream checks. */
const outline = (events: RawMessageStreamEvent[]) =>
  events.map((event) => {
    if (event.type === 'content_block_start')
      return `start ${event.index} ${event.content_block.type}`;
    if (event.type === 'content_block_delta') return `delta ${event.index} ${event.delta.type}`;
    if (event.type === 'content_block_stop') return `stop ${event.index}`;
    return event.type;
  });

const finish = (
  reason: 'end-turn' | 'tool-calls' | 'max-tokens' = 'end-turn',
): ModelStreamPart => ({
  type: 'finish',
  reason,
});

describe('MessageStreamBuilder', () => {
  test('one block open at a time, contiguous indices, one message_delta, message_stop last', () => {
    const events = build([
      { type: 'reasoning-delta', text: 'hmm' },
      { type: 'text-delta', text: 'Hi' },
      { type: 'text-delta', text: '' },
      { type: 'tool-call-start', id: 'a', name: 'Bash' },
      { type: 'tool-call-delta', id: 'a', argumentsDelta: '{"command":' },
      { type: 'tool-call-delta', id: 'a', argumentsDelta: '"ls"}' },
      { type: 'tool-call-end', id: 'a' },
      { type: 'tool-call-start', id: 'b', name: 'Read' },
      { type: 'tool-call-end', id: 'b' },
      finish('tool-calls'),
      { type: 'usage', usage: { inputTokens: 100, outputTokens: 7, cachedInputTokens: 60 } },
    ]);
    expect(outline(events)).toEqual([
      'message_start',
      'start 0 thinking',
      'delta 0 thinking_delta',
      'delta 0 signature_delta',
      'stop 0',
      'start 1 text',
      'delta 1 text_delta',
      'stop 1',
      'start 2 tool_use',
      'delta 2 input_json_delta',
      'delta 2 input_json_delta',
      'stop 2',
      'start 3 tool_use',
      'stop 3',
      'message_delta',
      'message_stop',
    ]);
    expect(events.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null, stop_details: null, container: null },
      context_management: null,
      usage: {
        input_tokens: 40,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 60,
        output_tokens: 7,
        output_tokens_details: null,
        server_tool_use: null,
        iterations: null,
        fallback_credit: null,
      },
    } satisfies RawMessageDeltaEvent & BetaRawMessageDeltaEvent);
  });

  test('thinking tokens the engine counted go into output_tokens_details', () => {
    const events = build([
      { type: 'reasoning-delta', text: 'hmm' },
      { type: 'text-delta', text: 'Hi' },
      finish('end-turn'),
      { type: 'usage', usage: { inputTokens: 5, outputTokens: 30, reasoningTokens: 21 } },
    ]);
    const delta = events.at(-2);
    expect(delta?.type === 'message_delta' && delta.usage.output_tokens_details).toEqual({
      thinking_tokens: 21,
    });
  });

  // The expected objects are typed with the SDK's own types (stable and beta: Claude Code reads
  // replies as BetaMessage), so a field the SDK declares and Ferry leaves out fails to compile,
  // and one Ferry sends differently fails here.
  test('every event carries each field the SDK type declares (null when Ferry has none)', () => {
    const events = build([
      { type: 'usage', usage: { inputTokens: 12, outputTokens: 0, cachedInputTokens: 2 } },
      { type: 'reasoning-delta', text: 'r' },
      { type: 'text-delta', text: 'Hi' },
      { type: 'tool-call-start', id: 'a', name: 'Bash' },
      { type: 'tool-call-end', id: 'a' },
      finish('tool-calls'),
    ]);
    const message: Message & BetaMessage = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      context_management: null,
      usage: {
        input_tokens: 10,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 2,
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
    expect(events[0]).toEqual({ type: 'message_start', message });
    const blocks = events.flatMap((event) =>
      event.type === 'content_block_start' ? [event.content_block] : [],
    );
    const expected: Array<ThinkingBlock | TextBlock | ToolUseBlock> = [
      { type: 'thinking', thinking: '', signature: '' },
      { type: 'text', text: '', citations: null },
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_/) as string,
        name: 'Bash',
        input: {},
        caller: { type: 'direct' },
      },
    ];
    expect(blocks).toEqual(expected);
  });

  test('tool_use ids are toolu_ ids and the message id is kept', () => {
    const events = build([
      { type: 'tool-call-start', id: 'chatcmpl-tool-1', name: 'Bash' },
      finish('tool-calls'),
    ]);
    const start = events.find((event) => event.type === 'content_block_start');
    expect(start?.type === 'content_block_start' && start.content_block).toMatchObject({
      type: 'tool_use',
      id: expect.stringMatching(/^toolu_[A-Za-z0-9]{24}$/),
      name: 'Bash',
      input: {},
    });
    expect(events[0]).toMatchObject({
      type: 'message_start',
      message: { id: 'msg_1', model: 'claude-x' },
    });
  });

  test.each([
    ['end-turn', [], 'end_turn'],
    ['tool-calls', [], 'end_turn'],
    ['end-turn', [{ type: 'tool-call-start', id: 'a', name: 'X' }], 'tool_use'],
    ['max-tokens', [], 'max_tokens'],
    ['context-window-exceeded', [], 'model_context_window_exceeded'],
    ['refusal', [], 'refusal'],
  ] as const)('finish %s (with %j) → stop_reason %s', (reason, extra, expected) => {
    const events = build([...extra, { type: 'finish', reason }]);
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: expected } });
  });

  test('a refusal carries stop_details of type refusal; other stops none', () => {
    const refused = build([{ type: 'finish', reason: 'refusal' }]);
    expect(refused.at(-2)).toMatchObject({
      delta: { stop_details: { type: 'refusal', category: null, explanation: null } },
    });
    const ended = build([{ type: 'finish', reason: 'end-turn' }]);
    expect(ended.at(-2)).toMatchObject({ delta: { stop_details: null } });
  });

  test('stop_sequence carries the matched string', () => {
    const events = build([
      { type: 'text-delta', text: 'a' },
      { type: 'finish', reason: 'stop-sequence', stopSequence: 'END' },
    ]);
    expect(events.at(-2)).toMatchObject({
      delta: { stop_reason: 'stop_sequence', stop_sequence: 'END' },
    });
  });

  test('display "omitted" sends no thinking text but a signature that carries it', () => {
    const events = build(
      [
        { type: 'reasoning-delta', text: 'secret plan' },
        { type: 'text-delta', text: 'ok' },
        finish(),
      ],
      true,
    );
    expect(outline(events).slice(1, 4)).toEqual([
      'start 0 thinking',
      'delta 0 signature_delta',
      'stop 0',
    ]);
    const signature =
      events[2]?.type === 'content_block_delta' && events[2].delta.type === 'signature_delta'
        ? events[2].delta.signature
        : undefined;
    expect(decodeThinkingSignature(signature)).toBe('secret plan');
  });

  test('an empty text delta opens no block: sent back, an empty text block is a 400', () => {
    const events = build([
      { type: 'text-delta', text: '' },
      { type: 'tool-call-start', id: 'call_1', name: 'Read' },
      { type: 'tool-call-delta', id: 'call_1', argumentsDelta: '{}' },
      { type: 'tool-call-end', id: 'call_1' },
      finish('tool-calls'),
    ]);
    expect(outline(events).filter((line) => line.startsWith('start'))).toEqual([
      'start 0 tool_use',
    ]);
  });

  test.each<{ name: string; parts: ModelStreamPart[]; content: unknown[] }>([
    {
      name: 'whitespace before a tool call is left out',
      parts: [
        { type: 'text-delta', text: '\n' },
        { type: 'text-delta', text: '\n' },
        { type: 'tool-call-start', id: 'c', name: 'Read' },
        { type: 'tool-call-end', id: 'c' },
      ],
      content: [{ type: 'tool_use', name: 'Read' }],
    },
    {
      name: 'whitespace before text stays in front of it',
      parts: [
        { type: 'text-delta', text: '\n\n' },
        { type: 'text-delta', text: 'Hi' },
        { type: 'text-delta', text: ' ' },
      ],
      content: [{ type: 'text', text: '\n\nHi ' }],
    },
    {
      name: 'a reply of whitespace only has no blocks',
      parts: [{ type: 'text-delta', text: ' \n' }],
      content: [],
    },
    {
      name: 'whitespace after thinking waits for text',
      parts: [
        { type: 'reasoning-delta', text: 'plan' },
        { type: 'text-delta', text: '\n\n' },
        { type: 'text-delta', text: 'Answer' },
      ],
      content: [
        { type: 'thinking', thinking: 'plan' },
        { type: 'text', text: '\n\nAnswer' },
      ],
    },
  ])('no text block of whitespace only (sent back, it is a 400): $name', ({ parts, content }) => {
    const accumulator = new MessageAccumulator();
    for (const event of build([...parts, finish()])) accumulator.push(event);
    expect(accumulator.result().content).toMatchObject(content);
  });

  test('max_tokens 0 (promptOnly): no blocks, stop_reason max_tokens, no output tokens', () => {
    const builder = new MessageStreamBuilder({ model: 'm', promptOnly: true });
    const events = [
      ...builder.push({ type: 'text-delta', text: 'Hi' }),
      ...builder.push({ type: 'finish', reason: 'end-turn' }),
      ...builder.push({
        type: 'usage',
        usage: { inputTokens: 12, outputTokens: 1, reasoningTokens: 1 },
      }),
      ...builder.finish(),
    ];
    expect(outline(events)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect(events[1]).toMatchObject({
      delta: { stop_reason: 'max_tokens' },
      usage: { input_tokens: 12, output_tokens: 0, output_tokens_details: null },
    });
  });

  test('a stream without a finish part is an error, not a success', () => {
    const builder = new MessageStreamBuilder({ model: 'm' });
    builder.push({ type: 'text-delta', text: 'half' });
    expect(() => builder.finish()).toThrow('ended before the model finished');
  });

  test('the accumulator builds the same message a client would', () => {
    const accumulator = new MessageAccumulator();
    const events = build([
      { type: 'reasoning-delta', text: 'r' },
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'tool-call-start', id: 'a', name: 'Bash' },
      { type: 'tool-call-delta', id: 'a', argumentsDelta: '{"command":"ls"}' },
      { type: 'tool-call-end', id: 'a' },
      { type: 'tool-call-start', id: 'b', name: 'Bad' },
      { type: 'tool-call-delta', id: 'b', argumentsDelta: '{"x": nope' },
      finish('tool-calls'),
      { type: 'usage', usage: { inputTokens: 5, outputTokens: 2 } },
    ]);
    for (const event of events) accumulator.push(event);
    expect(accumulator.result()).toMatchObject({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'r', signature: expect.any(String) },
        { type: 'text', text: 'Hello' },
        { type: 'tool_use', name: 'Bash', input: { command: 'ls' } },
        { type: 'tool_use', name: 'Bad', input: {} }, // the broken member is dropped
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      stop_details: null,
      container: null,
      usage: { input_tokens: 5, output_tokens: 2, service_tier: 'standard' },
    });
  });

  test('broken tool arguments are repaired into an object, and the repair is told', () => {
    const problems: unknown[] = [];
    const builder = new MessageStreamBuilder({
      model: 'm',
      messageId: 'msg_1',
      onToolInputProblem: (details) => problems.push(details),
    });
    const parts: ModelStreamPart[] = [
      { type: 'tool-call-start', id: 'a', name: 'Read' },
      { type: 'tool-call-delta', id: 'a', argumentsDelta: '{"path":' },
      { type: 'tool-call-delta', id: 'a', argumentsDelta: '"/a"}}' },
      { type: 'tool-call-end', id: 'a' },
      finish('tool-calls'),
    ];
    const json = [...parts.flatMap((part) => builder.push(part)), ...builder.finish()]
      .map((event) =>
        event.type === 'content_block_delta' && event.delta.type === 'input_json_delta'
          ? event.delta.partial_json
          : '',
      )
      .join('');
    expect(json).toBe('{"path":"/a"}');
    expect(problems).toEqual([{ tool: 'Read', problem: expect.stringMatching(/after the/) }]);
  });

  test('a tool call cut off by max_tokens keeps the arguments that arrived whole', () => {
    const accumulator = new MessageAccumulator();
    const events = build([
      { type: 'tool-call-start', id: 'a', name: 'Write' },
      { type: 'tool-call-delta', id: 'a', argumentsDelta: '{"file_path":"/a.txt",' },
      { type: 'tool-call-delta', id: 'a', argumentsDelta: '"content":"half a fi' },
      finish('max-tokens'),
      { type: 'usage', usage: { inputTokens: 5, outputTokens: 9 } },
    ]);
    for (const event of events) accumulator.push(event);
    expect(accumulator.result()).toMatchObject({
      content: [{ type: 'tool_use', name: 'Write', input: { file_path: '/a.txt' } }],
      stop_reason: 'max_tokens',
    });
  });
});
