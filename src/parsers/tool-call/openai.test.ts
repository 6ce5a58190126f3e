import { checkVectors } from '../test-helpers/check-vectors.js';
import { createOpenaiParser } from './openai.js';

const analysis =
  '<|channel|>analysis<|message|>User wants weather. Need to call get_weather.<|end|>';

checkVectors('openai (harmony)', createOpenaiParser, [
  {
    name: 'analysis then final answer',
    input: `${analysis}<|start|>assistant<|channel|>final<|message|>It is sunny in Paris ☀️.<|return|>`,
    expected: [
      { reasoning: 'User wants weather. Need to call get_weather.' },
      { text: 'It is sunny in Paris ☀️.' },
    ],
  },
  {
    name: 'analysis then a function call',
    input: `${analysis}<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city": "Paris", "x": {"y": "}"}}<|call|>`,
    expected: [
      { reasoning: 'User wants weather. Need to call get_weather.' },
      { call: 'get_weather', input: { city: 'Paris', x: { y: '}' } } },
    ],
  },
  {
    name: 'recipient in the role part, a preamble, two calls',
    input:
      '<|channel|>commentary<|message|>Checking two cities.<|end|>' +
      '<|start|>assistant to=functions.get_weather<|channel|>commentary json<|message|>{"city": "東京"}<|call|>' +
      '<|start|>assistant to=functions.get_weather<|channel|>commentary json<|message|>{"city": "Oslo"}<|call|>',
    expected: [
      { text: 'Checking two cities.' },
      { call: 'get_weather', input: { city: '東京' } },
      { call: 'get_weather', input: { city: 'Oslo' } },
    ],
  },
  {
    name: 'plain text without harmony tokens',
    input: 'Just text with <|chan and <|x|> in it.',
    expected: [{ text: 'Just text with <|chan and <|x|> in it.' }],
  },
  {
    name: 'malformed call arguments',
    input:
      '<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{city}<|call|>',
    expected: [
      {
        text: '<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{city}<|call|>',
      },
    ],
    warns: true,
  },
  {
    name: 'truncated call',
    input: `${analysis}<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city": "Pa`,
    expected: [
      { reasoning: 'User wants weather. Need to call get_weather.' },
      {
        text: '<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city": "Pa',
      },
    ],
    warns: true,
  },
  {
    name: 'a call whose <|call|> never came but whose JSON is complete',
    input: '<|channel|>commentary to=functions.get_time <|constrain|>json<|message|>{}',
    expected: [{ call: 'get_time', input: {} }],
  },
]);
