import { expect, test } from 'vitest';
import { modelNotServedError } from './resolve-served-model.js';

test.each([
  [['a', 'b'], 'model: nosuch is not served here; served models: a, b'],
  [
    [],
    'model: nosuch is not served here; the upstream serves no models (pull or load a model in the engine)',
  ],
])('the 404 for a model not served, when %j is', (served, message) => {
  const error = modelNotServedError('nosuch', served);
  expect({ type: error.type, status: error.status, message: error.message }).toEqual({
    type: 'not_found_error',
    status: 404,
    message,
  });
});
