import type { ToolSchemas } from '../../model/model-request.js';

/** Input schemas of the tools the test vectors call, for formats that type string values. */
export const testToolSchemas: ToolSchemas = new Map<string, Record<string, unknown>>([
  [
    'get_weather',
    {
      type: 'object',
      properties: {
        city: { type: 'string' },
        days: { type: 'integer' },
        detailed: { type: 'boolean' },
        threshold: { type: 'number' },
        hours: { type: 'array', items: { type: 'integer' } },
        units: { type: 'object' },
        note: { type: ['string', 'null'] },
        limit: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
      },
    },
  ],
  [
    'write_file',
    { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } } },
  ],
]);
