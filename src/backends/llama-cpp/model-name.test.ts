import { describe, expect, it } from 'vitest';
import { modelName } from './load-embedded-model.js';

describe('modelName', () => {
  it.each([
    [
      'hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q4_K_M',
      '/c/hf_Qwen_Qwen2.5-Coder-1.5B-Instruct.Q4_K_M.gguf',
      'Qwen/Qwen2.5-Coder-1.5B-Instruct',
    ],
    ['hf:unsloth/Qwen3-4B-GGUF/Qwen3-4B-Q8_0.gguf', '/c/x.gguf', 'unsloth/Qwen3-4B'],
    ['https://example.com/m/tiny-model.gguf', '/c/tiny-model.gguf', 'tiny-model'],
    ['./models/Model.Q4.GGUF', '/abs/models/Model.Q4.GGUF', 'Model.Q4'],
  ])('%s → %s', (source, path, name) => {
    expect(modelName(source, path)).toBe(name);
  });
});
