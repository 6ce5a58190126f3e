import { describe, expect, test } from 'vitest';
import { createRandom } from '../parsers/test-helpers/split-text.js';
import { locateToolsText, parseJsonBody, type KnownToolsText } from './parse-json-body.js';

const tools = [
  { name: 'Read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } },
  { name: 'Bash', description: 'Runs "a" command', input_schema: { type: 'object' } },
];
const tail = { metadata: { user_id: 'u1' }, max_tokens: 32000, stream: true };
/** A body laid out as Claude Code lays it out: the tools near the end, a few fields after. */
const body = (turn: string, after: object = tail): string =>
  JSON.stringify({ model: 'm', messages: [{ role: 'user', content: turn }], tools, ...after });

/** The known text of `tools`, found in a first body. */
function known(first = body('first')): KnownToolsText {
  const text = locateToolsText(first, (JSON.parse(first) as { tools: unknown[] }).tools);
  if (text === undefined) throw new Error('not found');
  return text;
}

describe('parseJsonBody', () => {
  test.each<[string, string, boolean]>([
    ['the next turn: the text where the tail puts it', body('a longer second turn'), true],
    ['the tail a few characters longer', body('x', { ...tail, max_tokens: 128000 }), true],
    ['fields added before the tools', JSON.stringify({ a: 1, ...JSON.parse(body('x')) }), true],
    ['the tools spelled with spaces', JSON.stringify(JSON.parse(body('x')), null, 1), false],
    ['another tool list', body('x').replace('Runs', 'Starts'), false],
    [
      'the same text inside a message, the real tools elsewhere',
      JSON.stringify({
        model: 'm',
        tools: [],
        messages: [{ role: 'user', content: [{ type: 'tool_result', content: { tools } }] }],
        ...tail,
      }),
      false,
    ],
    [
      'a later duplicate key, which JSON.parse lets win',
      body('x').replace('"metadata"', '"tools":[],"metadata"'),
      false,
    ],
    [
      'an earlier duplicate key, which loses to the known text',
      body('x').replace('"model"', '"tools":[1],"model"'),
      true,
    ],
    ['no tools at all', JSON.stringify({ model: 'm', messages: [], ...tail }), false],
  ])('%s', (_name, text, reused) => {
    const entry = known();
    const parsed = parseJsonBody(text, [entry]) as { tools?: unknown };
    expect(parsed).toEqual(JSON.parse(text));
    expect(parsed.tools === entry.list).toBe(reused);
    if (reused) expect(text.slice(text.length - entry.tail)).toMatch(/^,"metadata"|^,"a"|^}/);
  });

  test('bad JSON gets JSON.parse’s own error, also when the known text is in it', () => {
    for (const bad of [`${body('x').slice(0, -1)},}`, body('x').replace('"u1"', 'u1')]) {
      expect(() => parseJsonBody(bad, [known()])).toThrow(
        (() => {
          try {
            JSON.parse(bad);
          } catch (error) {
            return (error as Error).message;
          }
          return 'parsed';
        })(),
      );
    }
  });

  test('the first of several known texts that fits is used', () => {
    const other = known(body('x').replace('Runs', 'Starts'));
    const entry = known();
    expect((parseJsonBody(body('y'), [other, entry]) as { tools: unknown }).tools).toBe(entry.list);
  });
});

describe('locateToolsText', () => {
  test('finds the top-level list as JSON.stringify writes it, and how much follows it', () => {
    const text = body('first');
    const found = known(text);
    expect(found.text).toBe(`"tools":${JSON.stringify(tools)}`);
    expect(text.endsWith(found.text + text.slice(text.length - found.tail))).toBe(true);
  });

  test('finds the top-level list behind a copy inside another value', () => {
    const text = JSON.stringify({ messages: [{ content: { tools } }], tools, ...tail });
    expect(known(text).tail).toBe(JSON.stringify(tail).length);
  });

  test.each<[string, string]>([
    ['spelled with spaces', JSON.stringify({ tools, ...tail }, null, 2)],
    ['escaped otherwise than JSON.stringify does', body('x').replace('Runs', 'Run\\u0073')],
  ])('gives up on a list %s', (_name, text) => {
    const list = (JSON.parse(text) as { tools: unknown[] }).tools;
    expect(locateToolsText(text, list)).toBeUndefined();
  });

  test('a list found only inside another value is not the body’s', () => {
    const text = JSON.stringify({ messages: [{ content: { tools } }], tools: [], ...tail });
    expect(locateToolsText(text, tools)).toBeUndefined();
  });
});

describe('parseJsonBody on seeded random bodies', () => {
  // Bodies built around the known text in ways a client or an attacker might: the text moved,
  // copied into other values, keys duplicated, spaces added, the JSON broken. Whatever the
  // body, the result (or the error) must be JSON.parse's, key order included.
  const knownText = `"tools":${JSON.stringify(tools)}`;
  const pieces = [
    '"model":"m"',
    '"max_tokens":5',
    `"messages":[{"role":"user","content":[{"type":"text","text":${JSON.stringify(knownText)}}]}]`,
    `"metadata":{"user_id":"u","copy":{${knownText}}}`,
    `"system":"x${'y'.repeat(40)}"`,
    '"tools":[]',
    knownText,
    ` ${knownText} `,
    '"stream":true',
  ];
  const outcome = (run: () => unknown): string => {
    try {
      return `ok ${JSON.stringify(run())}`;
    } catch (error) {
      return `error ${(error as Error).message}`;
    }
  };

  test('give what JSON.parse gives, 2,000 bodies', () => {
    const random = createRandom(7);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    let reused = 0;
    for (let i = 0; i < 2000; i++) {
      const count = 1 + Math.floor(random() * 6);
      let text = `{${Array.from({ length: count }, () => pick(pieces)).join(',')}}`;
      if (random() < 0.15) text = text.slice(0, Math.floor(random() * text.length)); // broken
      const entry = known();
      entry.tail = Math.floor(random() * text.length); // anywhere, right or wrong
      const parsed = outcome(() => parseJsonBody(text, [entry]));
      expect(parsed, text).toBe(outcome(() => JSON.parse(text)));
      if (
        parsed.startsWith('ok') &&
        (parseJsonBody(text, [entry]) as { tools?: unknown }).tools === entry.list
      )
        reused++;
    }
    expect(reused).toBeGreaterThan(50); // the fast path was taken, not only the fallback
  });
});
