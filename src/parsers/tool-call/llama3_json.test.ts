import { checkVectors } from '../test-helpers/check-vectors.js';
import { createLlama3JsonParser } from './llama3_json.js';

checkVectors('llama3_json', createLlama3JsonParser, [
  {
    name: 'plain text, JSON inside prose stays text',
    input: 'The config is {"a": 1}; <|python and more. Español 🌮',
    expected: [{ text: 'The config is {"a": 1}; <|python and more. Español 🌮' }],
  },
  {
    name: 'one call with parameters',
    input: '{"name": "get_weather", "parameters": {"city": "San Francisco", "days": 2}}',
    expected: [{ call: 'get_weather', input: { city: 'San Francisco', days: 2 } }],
  },
  {
    name: 'python tag, parallel calls joined by semicolons, nested strings',
    input:
      '<|python_tag|>{"name": "get_weather", "parameters": {"city": "Zürich"}}; {"name": "write_file", "arguments": {"path": "a", "content": "{ \\"x\\": \\"}\\" }"}}',
    expected: [
      { call: 'get_weather', input: { city: 'Zürich' } },
      { call: 'write_file', input: { path: 'a', content: '{ "x": "}" }' } },
    ],
  },
  {
    name: 'text, then the python tag and a call',
    input: 'Sure, checking.\n<|python_tag|>{"name": "get_time", "parameters": {}}',
    expected: [{ text: 'Sure, checking.\n' }, { call: 'get_time', input: {} }],
  },
  {
    name: 'a JSON answer that is no call stays text without a warning',
    input: '{"answer": 42, "unit": "°C 🌡️"}',
    expected: [{ text: '{"answer": 42, "unit": "°C 🌡️"}' }],
  },
  {
    name: 'malformed JSON',
    input: '{"name": "get_weather", "parameters": {city: 1}} later',
    expected: [{ text: '{"name": "get_weather", "parameters": {city: 1}} later' }],
    warns: true,
  },
  {
    name: 'truncated',
    input: '{"name": "get_weather", "parameters": {"city": "San',
    expected: [{ text: '{"name": "get_weather", "parameters": {"city": "San' }],
    warns: true,
  },
]);
