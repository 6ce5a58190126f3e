import { describe, expect, it } from 'vitest';
import { chooseReasoningParser, templateOpensReasoning } from './choose-reasoning-parser.js';
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
        'glm47',
        'hermes',
        'kimi_k2',
        'llama3_json',
        'llama4_json',
        'llama4_pythonic',
        'mimo',
        'minimax_m2',
        'mistral',
        'openai',
        'pythonic',
        'qwen3_coder',
        'qwen3_xml',
        'seed_oss',
      ].sort(),
    );
    expect([...reasoningParsers.keys()].sort()).toEqual([
      'deepseek_r1',
      'deepseek_v3',
      'glm45',
      'glm47',
      'kimi_k2',
      'mimo',
      'minimax_m2',
      'minimax_m2_append_think',
      'mistral',
      'openai_gptoss',
      'qwen3',
      'seed_oss',
    ]);
  });

  it.each([
    [getToolCallParser, 'llama4_json', 'llama3_json'],
    [getToolCallParser, 'llama4_pythonic', 'pythonic'],
    [getToolCallParser, 'qwen3_xml', 'qwen3_coder'],
    [getToolCallParser, 'mimo', 'qwen3_coder'],
    [getToolCallParser, 'glm47', 'glm45'],
    [getReasoningParser, 'glm47', 'glm45'],
    [getReasoningParser, 'mimo', 'qwen3'],
    [getReasoningParser, 'minimax_m2_append_think', 'minimax_m2'],
  ])('%o: alias %s is %s', (get, alias, name) => {
    expect(get(alias)).toBe(get(name));
  });

  it('name every valid parser when a name is unknown', () => {
    expect(() => getToolCallParser('hermess')).toThrow(
      /Unknown tool-call parser "hermess".*hermes, qwen3_coder.*openai,.*glm47, auto, none\./,
    );
    expect(() => getReasoningParser('r1')).toThrow(
      /Unknown reasoning parser "r1".*deepseek_r1.*openai_gptoss,.*append_think, auto, none\./,
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
    ['deepseek-ai/DeepSeek-V3.1-Terminus', 'deepseek_v31'],
    ['deepseek-ai/DeepSeek-V3.2-Exp', 'deepseek_v31'],
    ['deepseek-ai/DeepSeek-V3.2', undefined],
    ['deepseek-ai/DeepSeek-V3.2-Speciale', undefined],
    ['moonshotai/Kimi-K2-Thinking', 'kimi_k2'],
    ['moonshotai/Kimi-K2.5', 'kimi_k2'],
    ['deepseek-ai/DeepSeek-V3-0324', 'deepseek_v3'],
    ['deepseek-ai/DeepSeek-R1-0528', 'deepseek_v3'],
    ['mistralai/Devstral-Small-2507', 'mistral'],
    ['meta-llama/Llama-3.1-8B-Instruct', 'llama3_json'],
    ['meta-llama/Llama-4-Scout-17B-16E-Instruct', 'pythonic'],
    ['ByteDance-Seed/Seed-OSS-36B-Instruct', 'seed_oss'],
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
    ["'<seed:tool_call>\\n<function=' + name + '>'", 'seed_oss'],
    ['<{{ dsml_token }}function_calls>', undefined],
  ])('by chat template: %s → %s', (template, parser) => {
    expect(chooseToolCallParser('my-model', template)).toBe(parser);
  });

  it('prefers the template to the name and gives up when neither decides', () => {
    expect(chooseToolCallParser('qwen3-custom', '<tool_call>\n<function=')).toBe('qwen3_coder');
    expect(chooseToolCallParser('my-finetune')).toBeUndefined();
    expect(chooseToolCallParser('my-finetune', '{{ messages }}')).toBeUndefined();
  });
});

// Generation prompts of the hybrid Qwen3 (the model writes `<think>` itself) and Qwen3.5 templates.
const qwen3Hybrid =
  "{{- '<|im_start|>' + message.role + '\\n<think>\\n' + reasoning_content }}{{- '<|im_start|>assistant\\n' }}{%- if enable_thinking is defined and enable_thinking is false %}{{- '<think>\\n\\n</think>\\n\\n' }}{%- endif %}";
const qwen35 =
  "{{- '<|im_start|>assistant\\n' }}\n    {%- if enable_thinking is defined and enable_thinking is false %}\n        {{- '<think>\\n\\n</think>\\n\\n' }}\n    {%- else %}\n        {{- '<think>\\n' }}\n    {%- endif %}";

describe('chooseReasoningParser', () => {
  it.each([
    // Qwen3: hybrid models and Qwen3.5 think unless switched off; Instruct models never do;
    // -Thinking ones have the template open the block.
    ['Qwen/Qwen3-8B', 'qwen3'],
    ['Qwen/Qwen3-30B-A3B', 'qwen3'],
    ['Qwen/Qwen3-235B-A22B', 'qwen3'],
    ['Qwen/Qwen3.5-35B-A3B', 'qwen3'],
    ['Qwen/Qwen3.5-397B-A17B', 'qwen3'],
    ['Qwen/Qwen3-30B-A3B-Instruct-2507', undefined],
    ['Qwen/Qwen3-Next-80B-A3B-Instruct', undefined],
    ['Qwen/Qwen3-VL-8B-Instruct', undefined],
    ['Qwen/Qwen3-Omni-30B-A3B-Instruct', undefined],
    ['Qwen/Qwen3-Omni-30B-A3B-Captioner', undefined],
    ['Qwen/Qwen3-Coder-30B-A3B-Instruct', undefined],
    ['Qwen/Qwen3-30B-A3B-Thinking-2507', 'deepseek_r1'],
    ['Qwen/Qwen3-Next-80B-A3B-Thinking', 'deepseek_r1'],
    ['Qwen/Qwen3-VL-235B-A22B-Thinking', 'deepseek_r1'],
    ['Qwen/Qwen3-Omni-30B-A3B-Thinking', 'deepseek_r1'],
    ['deepseek-ai/DeepSeek-R1', 'deepseek_r1'],
    ['Qwen/QwQ-32B', 'deepseek_r1'],
    // DeepSeek V3.1 / V3.2: thinking per request.
    ['deepseek-ai/DeepSeek-V3.1', 'deepseek_v3'],
    ['deepseek-ai/DeepSeek-V3.1-Terminus', 'deepseek_v3'],
    ['deepseek-ai/DeepSeek-V3.2-Exp', 'deepseek_v3'],
    ['deepseek-ai/DeepSeek-V3.2', 'deepseek_v3'],
    ['deepseek-ai/DeepSeek-V3-0324', undefined],
    // Kimi: K2 Thinking and K2.5 think, K2 Instruct does not.
    ['moonshotai/Kimi-K2-Thinking', 'kimi_k2'],
    ['moonshotai/Kimi-K2.5', 'kimi_k2'],
    ['moonshotai/Kimi-K2-Instruct-0905', undefined],
    ['ByteDance-Seed/Seed-OSS-36B-Instruct', 'seed_oss'],
    ['mistralai/Magistral-Small-2509', 'mistral'],
    ['mistralai/Mistral-Small-3.2-24B-Instruct-2506', undefined],
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
    ['Qwen3 (hybrid thinking)', qwen3Hybrid, 'qwen3'],
    ['Qwen3.5 (opens the block unless switched off)', qwen35, 'qwen3'],
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
    [
      'DeepSeek-V3.1 / V3.2-Exp',
      "{%- if ns.is_last_user %}{{'<｜Assistant｜></think>'}}{%- endif %}{%- if add_generation_prompt and ns.is_last_user and not ns.is_tool %}{{'<｜Assistant｜>'}}{%- if not thinking %}{{'</think>'}}{%- else %}{{'<think>'}}{%- endif %}{% endif %}",
      'deepseek_v3',
    ],
    [
      "Unsloth's DeepSeek-V3.1 (with an enable_thinking switch)",
      "{% if enable_thinking is defined and enable_thinking is false %}{% set thinking = false %}{% endif %}{%- if ns.is_last_user %}{{'<｜Assistant｜></think>'}}{%- endif %}{{'<think>'}}",
      'deepseek_v3',
    ],
    [
      "llama.cpp's DeepSeek-V3.2 (DSML, thinking by default): not Qwen3's",
      '{%- set enable_thinking = enable_thinking | default(true) -%}{%- set thinking_start_token = "<think>" -%}{%- set dsml_token = "｜DSML｜" -%}<｜User｜>{{ "\\n" }}<｜Assistant｜>',
      undefined,
    ],
    [
      'Kimi-K2-Thinking',
      '<|im_assistant|>{{role_name}}<|im_middle|><think>{{rc}}</think>{{render_content(message)}}{%- macro render_toolcalls(message) -%}<|tool_calls_section_begin|>',
      'kimi_k2',
    ],
    [
      'Kimi-K2-Instruct (no reasoning)',
      "{{ '<|im_assistant|>assistant<|im_middle|>' }}{{ '<|tool_calls_section_begin|>' }}",
      undefined,
    ],
    [
      'Seed-OSS',
      "{%- set think_begin_token = '<seed:think>' -%}{{ bos_token+'assistant\\n' }}",
      'seed_oss',
    ],
    [
      'Magistral',
      '[SYSTEM_PROMPT]First draft your thinking process … [THINK]your thoughts or/and draft[/THINK]',
      'mistral',
    ],
  ])('by chat template: %s', (_name, template, parser) => {
    expect(chooseReasoningParser('model-q4_k_m', template)).toBe(parser);
  });

  it('name DeepSeek-V3.2 when its template decides nothing', () => {
    const template = '{%- set enable_thinking = enable_thinking | default(true) -%}<think>';
    expect(chooseReasoningParser('DeepSeek-V3.2-Q4_K_M', template)).toBe('deepseek_v3');
  });

  // Where `auto` follows the template on whether the reply starts inside reasoning.
  it.each([
    ['qwen3', 'Qwen3 hybrid', qwen3Hybrid, false],
    ['qwen3', 'Qwen3.5', qwen35, true],
    ['deepseek_r1', 'Qwen3 Thinking-2507', "{{- '<|im_start|>assistant\\n<think>\\n' }}", true],
    ['deepseek_r1', 'DeepSeek-R1-0528', "{{'<｜Assistant｜><think>\\n'}}", true],
    ['kimi_k2', 'another family', '<think>', undefined],
    ['deepseek_r1', 'no template', undefined, undefined],
  ])('templateOpensReasoning(%s, %s) is %s', (parser, _name, template, opens) => {
    expect(templateOpensReasoning(parser, template)).toBe(opens);
  });
});
