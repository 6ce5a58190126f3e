import { betaTool } from '@anthropic-ai/sdk/helpers/beta/json-schema';

/** A tool the SDK's tool runner runs itself: adds `a` and `b`. */
export const addTool = betaTool({
  name: 'add',
  description: 'Add two numbers',
  inputSchema: {
    type: 'object',
    properties: { a: { type: 'number' }, b: { type: 'number' } },
    required: ['a', 'b'],
  },
  run: ({ a, b }) => String(a + b),
});
