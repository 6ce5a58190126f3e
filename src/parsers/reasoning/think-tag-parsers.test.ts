import { checkVectors } from '../test-helpers/check-vectors.js';
import { createDeepseekR1ReasoningParser } from './deepseek_r1.js';
import { createGlm45ReasoningParser } from './glm45.js';
import { createKimiK2ReasoningParser } from './kimi_k2.js';
import { createMinimaxM2ReasoningParser } from './minimax_m2.js';
import { createMistralReasoningParser } from './mistral.js';
import { createQwen3ReasoningParser } from './qwen3.js';
import { createSeedOssReasoningParser } from './seed_oss.js';

checkVectors('qwen3 reasoning', createQwen3ReasoningParser, [
  {
    name: 'the template opened <think>: text before </think> is reasoning',
    input: 'The user greets me. 用中文回答 🙂\n</think>\n\n你好！',
    expected: [{ reasoning: 'The user greets me. 用中文回答 🙂\n' }, { text: '你好！' }],
  },
  {
    name: 'the model wrote <think> itself (Qwen3 before 2507)',
    input: '<think>\nShort thought.\n</think>\n\nAnswer with </thin k> and <think> in it.',
    expected: [
      { reasoning: 'Short thought.\n' },
      { text: 'Answer with </thin k> and <think> in it.' },
    ],
  },
  {
    name: 'a Qwen3.5 tool call inside reasoning ends it and stays text',
    input:
      'I should call a tool. A bare <tool_call> mention is fine.\n<tool_call>\n<function=get_weather>\n</function>\n</tool_call>',
    expected: [
      { reasoning: 'I should call a tool. A bare <tool_call> mention is fine.\n' },
      { text: '<tool_call>\n<function=get_weather>\n</function>\n</tool_call>' },
    ],
  },
  {
    name: 'truncated inside reasoning',
    input: 'Still thinking about </thi',
    expected: [{ reasoning: 'Still thinking about </thi' }],
  },
  {
    name: 'thinking switched off: all text',
    input: 'Plain answer, </think> is text here.',
    expected: [{ text: 'Plain answer, </think> is text here.' }],
    promptOpensReasoning: false,
  },
]);

checkVectors('deepseek_r1 reasoning', createDeepseekR1ReasoningParser, [
  {
    name: 'no opening tag needed',
    input: 'Okay, so the user asks about 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.\n</think>\n\nHere is the answer.',
    expected: [
      { reasoning: 'Okay, so the user asks about 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.\n' },
      { text: 'Here is the answer.' },
    ],
  },
  {
    name: 'a repeated opening tag at the start is dropped',
    input: '\n<think>\nHmm.</think>Answer.',
    expected: [{ reasoning: 'Hmm.' }, { text: 'Answer.' }],
  },
]);

checkVectors('glm45 reasoning', createGlm45ReasoningParser, [
  {
    name: 'GLM-4.5: the model opens and closes the block',
    input: '<think>The user wants a poem. 诗</think>\nRoses are red.',
    expected: [{ reasoning: 'The user wants a poem. 诗' }, { text: 'Roses are red.' }],
  },
  {
    name: 'GLM-4.7: the template opened the block',
    input: 'Plan the answer.</think>Here it is.',
    expected: [{ reasoning: 'Plan the answer.' }, { text: 'Here it is.' }],
  },
  {
    name: 'thinking off: plain text, a later <think> is text',
    input: 'Hello! A <think> tag mid-reply is text.',
    expected: [{ text: 'Hello! A <think> tag mid-reply is text.' }],
    promptOpensReasoning: false,
  },
  {
    name: 'reasoning then a tool call (text for the tool-call parser)',
    input:
      '<think>Need weather.</think><tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n</tool_call>',
    expected: [
      { reasoning: 'Need weather.' },
      {
        text: '<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n</tool_call>',
      },
    ],
  },
]);

checkVectors('minimax_m2 reasoning', createMinimaxM2ReasoningParser, [
  {
    name: 'reasoning until </think>, then text and a tool call',
    input: 'Let me think 🤔.\n</think>\n\nCalling.\n<minimax:tool_call>\n</minimax:tool_call>',
    expected: [
      { reasoning: 'Let me think 🤔.\n' },
      { text: 'Calling.\n<minimax:tool_call>\n</minimax:tool_call>' },
    ],
  },
  {
    name: 'the model repeats <think>',
    input: '<think>\nfirst</think>\nsecond',
    expected: [{ reasoning: 'first' }, { text: 'second' }],
  },
]);

const kimiCall =
  '<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{"city": "Paris"}<|tool_call_end|><|tool_calls_section_end|>';

checkVectors('kimi_k2 reasoning', createKimiK2ReasoningParser, [
  {
    name: 'K2 Thinking: the model opens and closes the block',
    input: '<think>step by step 🧮</think>final answer',
    expected: [{ reasoning: 'step by step 🧮' }, { text: 'final answer' }],
  },
  {
    name: 'K2.5: the template opened the block',
    input: 'implicit reasoning</think>The answer.',
    expected: [{ reasoning: 'implicit reasoning' }, { text: 'The answer.' }],
  },
  {
    name: 'an empty block',
    input: '<think></think>final answer',
    expected: [{ text: 'final answer' }],
  },
  {
    name: 'a tool-call section ends reasoning and stays text',
    input: `Need the weather.${kimiCall}`,
    expected: [{ reasoning: 'Need the weather.' }, { text: kimiCall }],
  },
  {
    name: 'the singular section token ends it too',
    input: 'Need it.<|tool_call_section_begin|><|tool_call_begin|>',
    expected: [
      { reasoning: 'Need it.' },
      { text: '<|tool_call_section_begin|><|tool_call_begin|>' },
    ],
  },
  {
    name: 'reasoning, answer, then a call after </think>',
    input: `<think>Plan.</think>Checking.${kimiCall}`,
    expected: [{ reasoning: 'Plan.' }, { text: `Checking.${kimiCall}` }],
  },
  {
    name: 'truncated inside reasoning',
    input: 'still thinking <|tool_calls_sec',
    expected: [{ reasoning: 'still thinking <|tool_calls_sec' }],
  },
  {
    name: 'thinking switched off (`thinking: false`): all text',
    input: `Sunny. </think> stays.${kimiCall}`,
    expected: [{ text: `Sunny. </think> stays.${kimiCall}` }],
    promptOpensReasoning: false,
  },
]);

checkVectors('seed_oss reasoning', createSeedOssReasoningParser, [
  {
    name: 'the model opens and closes the block',
    input:
      '<seed:think>Budget check.<seed:cot_budget_reflect>Used 12 tokens.</seed:cot_budget_reflect></seed:think>\n答案是 4。',
    expected: [
      {
        reasoning:
          'Budget check.<seed:cot_budget_reflect>Used 12 tokens.</seed:cot_budget_reflect>',
      },
      { text: '答案是 4。' },
    ],
  },
  {
    name: 'no opening tag needed',
    input: 'Thinking.</seed:think>Answer with <seed:think> in it.',
    expected: [{ reasoning: 'Thinking.' }, { text: 'Answer with <seed:think> in it.' }],
  },
  {
    name: 'a plain <think> is not its tag',
    input: '<think>x</think>',
    expected: [{ reasoning: '<think>x</think>' }],
  },
]);

checkVectors('mistral reasoning', createMistralReasoningParser, [
  {
    name: 'Magistral opens and closes the block',
    input: '[THINK]The user wants 2+2. ✔[/THINK]\n\nThe answer is 4.',
    expected: [{ reasoning: 'The user wants 2+2. ✔' }, { text: 'The answer is 4.' }],
  },
  {
    name: 'no [THINK] at the start: all text',
    input: 'The answer is 4. [THINK] and [/THINK] are text here.',
    expected: [{ text: 'The answer is 4. [THINK] and [/THINK] are text here.' }],
  },
  {
    name: 'reasoning then a tool call (text for the mistral tool-call parser)',
    input: '[THINK]Need weather.[/THINK][TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}',
    expected: [
      { reasoning: 'Need weather.' },
      { text: '[TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}' },
    ],
  },
  {
    name: 'truncated inside reasoning',
    input: '[THINK]Still going [/THI',
    expected: [{ reasoning: 'Still going [/THI' }],
  },
]);

checkVectors(
  'glm45 reasoning, with the client shown none (thinking not enabled)',
  createGlm45ReasoningParser,
  [
    {
      name: 'a reasoning block that ends is still reasoning',
      input: 'Think it over.</think>The answer.',
      expected: [{ reasoning: 'Think it over.' }, { text: 'The answer.' }],
      hidesReasoning: true,
    },
    {
      name: 'a block the model never closes was the reply: text, not lost',
      input:
        '<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n</tool_call>',
      expected: [
        {
          text: '<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n</tool_call>',
        },
      ],
      hidesReasoning: true,
    },
  ],
);

checkVectors('deepseek_r1 reasoning, with the client shown none', createDeepseekR1ReasoningParser, [
  {
    name: 'plain text with no </think> is the reply',
    input: 'Paris is sunny.',
    expected: [{ text: 'Paris is sunny.' }],
    hidesReasoning: true,
  },
]);
