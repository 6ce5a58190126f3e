import { describe, expect, it } from 'vitest';
import type { ModelStreamPart } from '../model/model-stream-part.js';
import { TextPartsParser, type TextParserSelection } from './apply-text-parsers.js';
import { parseTextParts } from './parse-text-parts.js';
import { createOpenaiGptossReasoningParser } from './reasoning/openai_gptoss.js';
import { createDeepseekR1ReasoningParser } from './reasoning/deepseek_r1.js';
import { createQwen3ReasoningParser } from './reasoning/qwen3.js';
import { createHermesParser } from './tool-call/hermes.js';
import { createOpenaiParser } from './tool-call/openai.js';

const both: TextParserSelection = {
  reasoning: createQwen3ReasoningParser,
  toolCalls: createHermesParser,
};
const call = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>';

function run(selection: TextParserSelection, parts: ModelStreamPart[]): ModelStreamPart[] {
  const parser = new TextPartsParser(selection, { toolSchemas: new Map() });
  return [...parts.flatMap((p) => parser.push(p)), ...parser.finish()];
}

const text = (t: string): ModelStreamPart => ({ type: 'text-delta', text: t });
const finish = (reason: 'end-turn' | 'tool-calls' | 'max-tokens'): ModelStreamPart => ({
  type: 'finish',
  reason,
});
const usage: ModelStreamPart = { type: 'usage', usage: { inputTokens: 10, outputTokens: 5 } };

describe('TextPartsParser', () => {
  it('runs text through the reasoning parser, then the tool-call parser', () => {
    const out = run(both, [
      text('Need weather.</thi'),
      text('nk>\n\nChecking.\n<tool_'),
      text(`${call.slice(6)}`),
      usage,
      finish('end-turn'),
    ]);
    expect(out.map((p) => p.type)).toEqual([
      'reasoning-delta',
      'text-delta',
      'tool-call-start',
      'tool-call-delta',
      'tool-call-end',
      'usage',
      'finish',
    ]);
    expect(out[0]).toEqual({ type: 'reasoning-delta', text: 'Need weather.' });
    expect(out[1]).toEqual({ type: 'text-delta', text: 'Checking.\n' });
    expect(out.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
  });

  describe('reasoning tokens, where text parts say how many tokens they are', () => {
    const token = (t: string): ModelStreamPart => ({ type: 'text-delta', text: t, tokens: 1 });
    const usageOf = (out: ModelStreamPart[]) =>
      out.flatMap((p) => (p.type === 'usage' ? [p.usage] : []));

    it('counts the reasoning tokens and their delimiters into the final usage', () => {
      const out = run(both, [
        { type: 'usage', usage: { inputTokens: 10, outputTokens: 0 } },
        token('Need'),
        token(' weather.'),
        token('</think>'),
        token('\n\nIt is'),
        { type: 'text-delta', text: ' sunny.', tokens: 2 },
        { type: 'usage', usage: { inputTokens: 10, outputTokens: 6 } },
        finish('end-turn'),
      ]);
      expect(usageOf(out)).toEqual([
        { inputTokens: 10, outputTokens: 0 },
        { inputTokens: 10, outputTokens: 6, reasoningTokens: 3 },
      ]);
    });

    it('counts an opening delimiter once reasoning follows it', () => {
      const out = run({ reasoning: createDeepseekR1ReasoningParser }, [
        token('<think>'),
        token('Hmm.'),
        token('</think>'),
        token('Hi.'),
        usage,
      ]);
      expect(usageOf(out)).toEqual([{ ...usage.usage, reasoningTokens: 3 }]);
    });

    it("keeps the backend's own count", () => {
      const out = run(both, [
        token('Need weather.'),
        { type: 'usage', usage: { inputTokens: 1, outputTokens: 1, reasoningTokens: 7 } },
      ]);
      expect(usageOf(out)).toEqual([{ inputTokens: 1, outputTokens: 1, reasoningTokens: 7 }]);
    });

    it('adds nothing without token counts or without reasoning', () => {
      expect(usageOf(run(both, [text('Need weather.'), usage]))).toEqual([usage.usage]);
      const plain = run({ toolCalls: createHermesParser }, [token('Hello.'), usage]);
      expect(usageOf(plain)).toEqual([usage.usage]);
    });
  });

  it('turns tool-calls into end-turn when no call was emitted', () => {
    const out = run({ toolCalls: createHermesParser }, [text('Just text.'), finish('tool-calls')]);
    expect(out).toEqual([text('Just text.'), finish('end-turn')]);
  });

  it('leaves other finish reasons alone', () => {
    const out = run({ toolCalls: createHermesParser }, [text(call), finish('max-tokens')]);
    expect(out.at(-1)).toEqual(finish('max-tokens'));
  });

  it('flushes held text before the finish part', () => {
    const out = run({ toolCalls: createHermesParser }, [text('a <tool_ca'), finish('end-turn')]);
    expect(out).toEqual([text('a '), text('<tool_ca'), finish('end-turn')]);
  });

  it('stops parsing text for calls once the upstream sends structured calls', () => {
    const start: ModelStreamPart = { type: 'tool-call-start', id: 'up1', name: 'get_weather' };
    const delta: ModelStreamPart = { type: 'tool-call-delta', id: 'up1', argumentsDelta: '{}' };
    const end: ModelStreamPart = { type: 'tool-call-end', id: 'up1' };
    const out = run({ toolCalls: createHermesParser }, [
      text('Hi <tool'),
      start,
      delta,
      end,
      text(call),
      finish('end-turn'),
    ]);
    expect(out).toEqual([
      text('Hi '),
      text('<tool'),
      start,
      delta,
      end,
      text(call),
      finish('tool-calls'),
    ]);
  });

  it('passes upstream reasoning through and needs no parsers at all', () => {
    const parts = [
      { type: 'reasoning-delta', text: 'r' } as const,
      text('t'),
      usage,
      finish('end-turn'),
    ];
    expect(run({}, parts)).toEqual(parts);
  });

  it('flushes at the end of a stream without a finish part', () => {
    expect(run(both, [text('thinking <')])).toEqual([
      { type: 'reasoning-delta', text: 'thinking ' },
      { type: 'reasoning-delta', text: '<' },
    ]);
  });

  it('releases text at once when it cannot start a delimiter', () => {
    const parser = new TextPartsParser(both, { toolSchemas: new Map() });
    expect(parser.push(text('Thinking hard'))).toEqual([
      { type: 'reasoning-delta', text: 'Thinking hard' },
    ]);
    expect(parser.push(text('</think>Hello wor'))).toEqual([text('Hello wor')]);
    expect(parser.push(text('ld <'))).toEqual([text('ld ')]);
  });

  it('lets the harmony reasoning and tool-call parsers cooperate', () => {
    const harmony: TextParserSelection = {
      reasoning: createOpenaiGptossReasoningParser,
      toolCalls: createOpenaiParser,
    };
    const raw =
      '<|channel|>analysis<|message|>Need weather.<|end|>' +
      '<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city": "Oslo"}<|call|>';
    const pieces = raw.match(/.{1,3}/gs) ?? [];
    const out = run(harmony, [...pieces.map(text), finish('end-turn')]);
    const firstOther = out.findIndex((p) => p.type !== 'reasoning-delta');
    expect(out.slice(firstOther).map((p) => p.type)).toEqual([
      'tool-call-start',
      'tool-call-delta',
      'tool-call-end',
      'finish',
    ]);
    const reasoning = out.flatMap((p) => (p.type === 'reasoning-delta' ? [p.text] : [])).join('');
    expect(reasoning).toBe('Need weather.');
    expect(out.find((p) => p.type === 'tool-call-start')).toMatchObject({ name: 'get_weather' });
    expect(out.find((p) => p.type === 'tool-call-delta')).toMatchObject({
      argumentsDelta: '{"city":"Oslo"}',
    });
    expect(out.at(-1)).toEqual(finish('tool-calls'));
  });

  it('passes parts after the finish part unchanged', () => {
    expect(run(both, [finish('end-turn'), usage])).toEqual([finish('end-turn'), usage]);
  });
});

describe('parseTextParts', () => {
  it('adapts an async stream of batches, dropping batches that parse to nothing', async () => {
    const upstream = ReadableStream.from<ModelStreamPart[]>([
      [text(`Done thinking</think>${call.slice(0, 20)}`)],
      [text(call.slice(20, 30))],
      [text(call.slice(30)), finish('end-turn')],
    ]);
    const batches: ModelStreamPart[][] = [];
    for await (const batch of parseTextParts(upstream, { toolSchemas: new Map(), parsers: both }))
      batches.push(batch);
    expect(batches.every((batch) => batch.length > 0)).toBe(true);
    const out = batches.flat();
    expect(out.map((p) => p.type)).toEqual([
      'reasoning-delta',
      'tool-call-start',
      'tool-call-delta',
      'tool-call-end',
      'finish',
    ]);
    expect(out.at(-1)).toEqual(finish('tool-calls'));
  });
});

describe('warnings', () => {
  it('quote the raw text, shortened when long', () => {
    const warnings: string[] = [];
    const parser = createHermesParser({
      toolSchemas: new Map(),
      onWarning: (m) => warnings.push(m),
    });
    const raw = `<tool_call>{"name": "write_file", "arguments": {"content": "${'x'.repeat(5000)}"`;
    expect(parser.push(raw)).toEqual([]);
    expect(parser.finish()).toEqual([text(raw)]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      `hermes: unterminated tool call (not a JSON {"name", "arguments"} object); passed on as text (${raw.length} characters): "<tool_call>`,
    );
    expect(warnings[0]!.length).toBeLessThan(1000);
  });
});
