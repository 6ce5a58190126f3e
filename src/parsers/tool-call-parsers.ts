import type { TextParserFactory } from './text-parser.js';
import { createDeepseekV3Parser } from './tool-call/deepseek_v3.js';
import { createDeepseekV31Parser } from './tool-call/deepseek_v31.js';
import { createGlm45Parser } from './tool-call/glm45.js';
import { createHermesParser } from './tool-call/hermes.js';
import { createKimiK2Parser } from './tool-call/kimi_k2.js';
import { createLlama3JsonParser } from './tool-call/llama3_json.js';
import { createMinimaxM2Parser } from './tool-call/minimax_m2.js';
import { createMistralParser } from './tool-call/mistral.js';
import { createOpenaiParser } from './tool-call/openai.js';
import { createPythonicParser } from './tool-call/pythonic.js';
import { createQwen3CoderParser } from './tool-call/qwen3_coder.js';
import { createSeedOssParser } from './tool-call/seed_oss.js';

/** Raw-text tool-call parsers by vLLM's `--tool-call-parser` name. */
export const toolCallParsers: ReadonlyMap<string, TextParserFactory> = new Map([
  ['hermes', createHermesParser],
  ['qwen3_coder', createQwen3CoderParser],
  ['llama3_json', createLlama3JsonParser],
  ['mistral', createMistralParser],
  ['pythonic', createPythonicParser],
  ['deepseek_v3', createDeepseekV3Parser],
  ['deepseek_v31', createDeepseekV31Parser],
  ['kimi_k2', createKimiK2Parser],
  ['glm45', createGlm45Parser],
  ['minimax_m2', createMinimaxM2Parser],
  ['openai', createOpenaiParser],
  ['seed_oss', createSeedOssParser],
  // vLLM's other names for these formats: vllm/tool_parsers/__init__.py registers them with
  // the same parser class, except llama4_pythonic, whose `<|python_start|>` pythonic reads too.
  ['llama4_json', createLlama3JsonParser],
  ['llama4_pythonic', createPythonicParser],
  ['qwen3_xml', createQwen3CoderParser],
  ['mimo', createQwen3CoderParser],
  ['glm47', createGlm45Parser],
]);

/** The factory for a tool-call parser name; throws naming every valid one if there is none. */
export function getToolCallParser(name: string): TextParserFactory {
  const factory = toolCallParsers.get(name);
  if (factory === undefined) {
    const valid = [...toolCallParsers.keys()].join(', ');
    throw new Error(`Unknown tool-call parser "${name}". Valid names: ${valid}, auto, none.`);
  }
  return factory;
}
