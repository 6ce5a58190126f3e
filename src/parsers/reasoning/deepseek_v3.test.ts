import { checkVectors } from '../test-helpers/check-vectors.js';
import { createDeepseekV3ReasoningParser } from './deepseek_v3.js';

const call =
  '<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{"city": "Paris"}<｜tool▁call▁end｜><｜tool▁calls▁end｜>';

checkVectors('deepseek_v3 reasoning, thinking enabled', createDeepseekV3ReasoningParser, [
  {
    name: 'the template opened <think>: reasoning until </think>',
    input: 'The user asks about 東京 🗼.</think>It is sunny.',
    expected: [{ reasoning: 'The user asks about 東京 🗼.' }, { text: 'It is sunny.' }],
    thinkingRequested: true,
  },
  {
    name: 'reasoning, then a call for the deepseek_v31 tool-call parser',
    input: `Need the weather.</think>${call}`,
    expected: [{ reasoning: 'Need the weather.' }, { text: call }],
    thinkingRequested: true,
  },
]);

checkVectors('deepseek_v3 reasoning, thinking not enabled', createDeepseekV3ReasoningParser, [
  {
    name: 'left out (no reasoning shown): the text passes untouched',
    input: 'It is sunny. </think> and <think> are text.',
    expected: [{ text: 'It is sunny. </think> and <think> are text.' }],
    hidesReasoning: true,
  },
  {
    name: 'switched off: the text passes untouched',
    input: `Checking.${call}`,
    expected: [{ text: `Checking.${call}` }],
    promptOpensReasoning: false,
    hidesReasoning: true,
  },
  {
    name: 'adaptive (no switch sent, reasoning shown): the template did not think',
    input: 'It is sunny.',
    expected: [{ text: 'It is sunny.' }],
  },
]);
