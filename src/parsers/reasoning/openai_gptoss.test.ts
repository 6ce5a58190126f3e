import { checkVectors } from '../test-helpers/check-vectors.js';
import { createOpenaiGptossReasoningParser } from './openai_gptoss.js';

const call =
  '<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city": "Paris"}<|call|>';

checkVectors('openai_gptoss reasoning', createOpenaiGptossReasoningParser, [
  {
    name: 'analysis is reasoning, final is text',
    input:
      '<|channel|>analysis<|message|>Think ✨.<|end|><|start|>assistant<|channel|>final<|message|>Answer.<|return|>',
    expected: [{ reasoning: 'Think ✨.' }, { text: 'Answer.' }],
  },
  {
    name: 'function calls pass on verbatim for the openai tool-call parser',
    input: `<|channel|>analysis<|message|>Need a tool.<|end|>${call}`,
    expected: [{ reasoning: 'Need a tool.' }, { text: call }],
  },
]);
