import { describe, expect, test } from 'vitest';
import type { ChatRequest } from '../../model/model-request.js';
import { ApiError } from '../../protocol/api-error.js';
import { forcedToolNames } from './forced-tool-names.js';

const fits = { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] };
const noneFits = {
  type: 'object',
  properties: { a: { type: 'number', minimum: 5, maximum: 1 } },
  required: ['a'],
};
const noneFitsOptional = { type: 'object', properties: { a: { enum: [] } } };
const schemas = new Map<string, Record<string, unknown>>([
  ['Read', fits],
  ['Bad', noneFits],
  ['Loose', noneFitsOptional],
]);

function chat(toolChoice: ChatRequest['tool_choice'], names: string[]): ChatRequest {
  return {
    model: 'm',
    stream: true,
    messages: [],
    tools: names.map((name) => ({ type: 'function', function: { name } })),
    ...(toolChoice === undefined ? {} : { tool_choice: toolChoice }),
  };
}

const named = (name: string) => ({ type: 'function', function: { name } }) as const;

describe('forcedToolNames', () => {
  test.each<{
    choice: ChatRequest['tool_choice'];
    names: string[];
    expected: string[] | undefined;
    notOffered?: string[];
  }>([
    { choice: undefined, names: ['Read', 'Bad'], expected: undefined },
    { choice: 'auto', names: ['Read', 'Bad'], expected: undefined },
    { choice: 'none', names: ['Bad'], expected: undefined },
    { choice: 'required', names: [], expected: undefined },
    // Only the parts a call writes are looked at (Loose's `a` is optional); no schema is `{}`.
    { choice: 'required', names: ['Read', 'Loose', 'None'], expected: ['Read', 'Loose', 'None'] },
    // A tool no value fits is left out of the choice, not the request refused.
    { choice: 'required', names: ['Bad', 'Read'], expected: ['Read'], notOffered: ['Bad'] },
    { choice: named('Read'), names: ['Read', 'Bad'], expected: ['Read'] },
  ])('$choice over $names: $expected', ({ choice, names, expected, notOffered = [] }) => {
    const warnings: string[] = [];
    const offered = forcedToolNames(chat(choice, names), schemas, (line) => warnings.push(line));
    expect(offered).toEqual(expected);
    expect(warnings).toEqual(
      notOffered.map(
        (name) =>
          `embedded engine: tool_choice any: tools[${name}].input_schema.properties.a: no number ` +
          `is within minimum 5, maximum 1, so no value fits: ${name} is not offered`,
      ),
    );
  });

  test.each<{ choice: ChatRequest['tool_choice']; message: string }>([
    {
      choice: named('Bad'),
      message:
        'tools[Bad].input_schema.properties.a: no number is within minimum 5, maximum 1, so no ' +
        'value fits',
    },
    {
      choice: 'required',
      message:
        'tool_choice any: no tool can be called: tools[Bad].input_schema.properties.a: no ' +
        'number is within minimum 5, maximum 1, so no value fits',
    },
  ])('$choice with only a schema no value fits: a 400', ({ choice, message }) => {
    const error = (() => {
      try {
        return forcedToolNames(chat(choice, ['Bad']), schemas);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, message });
  });
});
