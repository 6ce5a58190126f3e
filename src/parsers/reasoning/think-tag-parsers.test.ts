import { checkVectors } from '../test-helpers/check-vectors.js';
import { createDeepseekR1ReasoningParser } from './deepseek_r1.js';
import { createGlm45ReasoningParser } from './glm45.js';
import { createMinimaxM2ReasoningParser } from './minimax_m2.js';
import { createQwen3ReasoningParser } from './qwen3.js';

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
