import { describe, expect, test } from 'vitest';
import type { ChatRequest } from '../../model/model-request.js';
import { samplingFor } from './llama-cpp-backend.js';
import {
  describeSamplingDefaults,
  modelSamplingDefaults,
  type SamplingDefaults,
} from './model-sampling-defaults.js';

const gguf = (sampling: Record<string, unknown>) => ({ general: { name: 'm', sampling } });

describe('modelSamplingDefaults', () => {
  test.each<{ metadata: unknown; expected: SamplingDefaults }>([
    { metadata: { general: { name: 'no sampling keys' } }, expected: {} },
    { metadata: undefined, expected: {} },
    {
      // GGUF floats are 32-bit: 0.8 and 0.05 as node-llama-cpp reads them back.
      metadata: gguf({
        temp: 0.699999988079071,
        top_k: 20,
        top_p: 0.800000011920929,
        min_p: 0.05000000074505806,
      }),
      expected: { temperature: 0.7, topK: 20, topP: 0.8, minP: 0.05 },
    },
    { metadata: gguf({ temp: 0 }), expected: { temperature: 0 } },
    { metadata: gguf({ top_k: 0, top_p: 1 }), expected: { topK: 0, topP: 1 } },
    {
      metadata: gguf({ temp: -1, top_k: 2.5, top_p: 0, min_p: 2, penalty_repeat: 1.05 }),
      expected: {},
    },
    { metadata: gguf({ temp: '0.7', top_k: Number.NaN }), expected: {} },
  ])('$metadata → $expected', ({ metadata, expected }) => {
    expect(modelSamplingDefaults(metadata)).toEqual(expected);
  });

  test('describes the defaults with the names llama.cpp’s server uses', () => {
    expect(describeSamplingDefaults({ temperature: 0.7, topK: 20, topP: 0.8, minP: 0.05 })).toBe(
      'temperature 0.7, top_k 20, top_p 0.8, min_p 0.05',
    );
    expect(describeSamplingDefaults({})).toBe('');
  });
});

describe('samplingFor', () => {
  const chat = (extra: Partial<ChatRequest>): ChatRequest => ({
    model: 'm',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    ...extra,
  });
  const recommended = { temperature: 0.7, topK: 20, topP: 0.8, minP: 0.05 };

  test.each<{
    name: string;
    request: Partial<ChatRequest>;
    defaults: SamplingDefaults;
    expected: object;
  }>([
    {
      name: 'nothing set anywhere: temperature 1',
      request: {},
      defaults: {},
      expected: { temperature: 1, seed: 7 },
    },
    {
      name: 'the model’s recommendation',
      request: {},
      defaults: recommended,
      expected: { temperature: 0.7, seed: 7, topK: 20, topP: 0.8, minP: 0.05 },
    },
    {
      name: 'the request wins where it sets a value',
      request: { temperature: 0.2, top_p: 0.5, top_k: 0 },
      defaults: recommended,
      expected: { temperature: 0.2, seed: 7, topP: 0.5, topK: 0, minP: 0.05 },
    },
    {
      name: 'a null top_p is unset',
      request: { top_p: null },
      defaults: {},
      expected: { temperature: 1, seed: 7 },
    },
  ])('$name', ({ request, defaults, expected }) => {
    expect(samplingFor(chat(request), defaults, 7)).toEqual(expected);
  });
});
