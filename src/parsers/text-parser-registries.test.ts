import { describe, expect, it } from 'vitest';
import { chooseReasoningParser } from './choose-reasoning-parser.js';
import { chooseToolCallParser } from './choose-tool-call-parser.js';
import { getReasoningParser, reasoningParsers } from './reasoning-parsers.js';
import { getToolCallParser, toolCallParsers } from './tool-call-parsers.js';

describe('parser registries', () => {
  it('register vLLM names', () => {
    expect([...toolCallParsers.keys()].sort()).toEqual(
      [
        'deepseek_v3',
        'deepseek_v31',
        'glm45',
        'hermes',
        'kimi_k2',
        'llama3_json',
        'minimax_m2',
        'mistral',
        'openai',
        'pythonic',
        'qwen3_coder',
      ].sort(),
    );
    expect([...reasoningParsers.keys()].sort()).toEqual([
      'deepseek_r1',
      'glm45',
      'minimax_m2',
      'openai_gptoss',
      'qwen3',
    ]);
  });

  it('name every valid parser when a name is unknown', () => {
    expect(() => getToolCallParser('hermess')).toThrow(
      /Unknown tool-call parser "hermess".*hermes, qwen3_coder.*openai, auto, none\./,
    );
    expect(() => getReasoningParser('r1')).toThrow(
      /Unknown reasoning parser "r1".*deepseek_r1.*openai_gptoss, auto, none\./,
    );
  });

  it('return factories for known names', () => {
    const parser = getToolCallParser('hermes')({ toolSchemas: new Map() });
    expect(parser.push('hi')).toEqual([{ type: 'text-delta', text: 'hi' }]);
    expect(getReasoningParser('qwen3')).toBe(reasoningParsers.get('qwen3'));
  });
});

describe('chooseToolCallParser', () => {
  it.each([
    ['Qwen/Qwen3-Coder-30B-A3B-Instruct', 'qwen3_coder'],
    ['qwen3.5-35b-a3b', 'qwen3_coder'],
    ['Qwen/Qwen3-8B', 'hermes'],
    ['Qwen2.5-7B-Instruct', 'hermes'],
    ['openai/gpt-oss-20b', 'openai'],
    ['moonshotai/Kimi-K2-Instruct', 'kimi_k2'],
    ['zai-org/GLM-4.6', 'glm45'],
    ['MiniMaxAI/MiniMax-M2', 'minimax_m2'],
    ['deepseek-ai/DeepSeek-V3.1', 'deepseek_v31'],
    ['deepseek-ai/DeepSeek-V3-0324', 'deepseek_v3'],
    ['deepseek-ai/DeepSeek-R1-0528', 'deepseek_v3'],
    ['mistralai/Devstral-Small-2507', 'mistral'],
    ['meta-llama/Llama-3.1-8B-Instruct', 'llama3_json'],
    ['meta-llama/Llama-4-Scout-17B-16E-Instruct', 'pythonic'],
  ])('by model name: %s → %s', (model, parser) => {
    expect(chooseToolCallParser(model)).toBe(parser);
  });

  it.each([
    ['{{- "<tool_call>\\n" }}{"name": ...}', 'hermes'],
    ['<tool_call>\n<function={{ name }}>\n<parameter=', 'qwen3_coder'],
    ['<tool_call>{{ name }}<arg_key>{{ k }}</arg_key>', 'glm45'],
    [
      "'<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>' + tool['type'] + '<｜tool▁sep｜>' + name + '\\n```json'",
      'deepseek_v3',
    ],
    [
      "'<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>' + name + '<｜tool▁sep｜>' + args",
      'deepseek_v31',
    ],
    ['<|tool_calls_section_begin|>', 'kimi_k2'],
    ['<minimax:tool_call>', 'minimax_m2'],
    ['<|start|>assistant<|channel|>final<|message|>', 'openai'],
    ['[TOOL_CALLS]', 'mistral'],
  ])('by chat template: %s → %s', (template, parser) => {
    expect(chooseToolCallParser('my-model', template)).toBe(parser);
  });

  it('prefers the template to the name and gives up when neither decides', () => {
    expect(chooseToolCallParser('qwen3-custom', '<tool_call>\n<function=')).toBe('qwen3_coder');
    expect(chooseToolCallParser('my-finetune')).toBeUndefined();
    expect(chooseToolCallParser('my-finetune', '{{ messages }}')).toBeUndefined();
  });
});

describe('chooseReasoningParser', () => {
  it.each([
    ['Qwen/Qwen3-8B', 'qwen3'],
    ['Qwen/Qwen3-30B-A3B-Thinking-2507', 'qwen3'],
    ['Qwen/Qwen3-30B-A3B-Instruct-2507', undefined],
    ['Qwen/Qwen3-Coder-30B-A3B-Instruct', undefined],
    ['deepseek-ai/DeepSeek-R1', 'deepseek_r1'],
    ['Qwen/QwQ-32B', 'deepseek_r1'],
    ['zai-org/GLM-4.5-Air', 'glm45'],
    ['MiniMaxAI/MiniMax-M2', 'minimax_m2'],
    ['openai/gpt-oss-120b', 'openai_gptoss'],
    ['meta-llama/Llama-3.1-8B-Instruct', undefined],
  ])('by model name: %s → %s', (model, parser) => {
    expect(chooseReasoningParser(model)).toBe(parser);
  });

  it('by chat template', () => {
    expect(chooseReasoningParser('x', '<|channel|>analysis')).toBe('openai_gptoss');
    expect(chooseReasoningParser('x', '<think></think><tool_call><arg_key>')).toBe('glm45');
    expect(chooseReasoningParser('x', '<think>')).toBeUndefined();
  });

  // Excerpts of the real templates: a served name that says nothing still gets its parser.
  it.each([
    [
      'Qwen3 (hybrid thinking)',
      "{%- if enable_thinking is defined and enable_thinking is false %}{{- '<think>\\n\\n</think>\\n\\n' }}",
      'qwen3',
    ],
    [
      'Qwen3 Thinking-2507 / QwQ',
      "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n<think>\\n' }}{%- endif %}",
      'deepseek_r1',
    ],
    [
      'DeepSeek-R1-0528',
      "{% if add_generation_prompt %}{{'<｜Assistant｜><think>\n'}}{% endif %}",
      'deepseek_r1',
    ],
    [
      'Qwen3 Instruct-2507 (strips <think> from history only)',
      "{%- set content = content.split('</think>')[-1] %}{{- '<|im_start|>' + message.role + '\\n<think>\\n' }}",
      undefined,
    ],
  ])('by chat template: %s', (_name, template, parser) => {
    expect(chooseReasoningParser('model-q4_k_m', template)).toBe(parser);
  });
});
