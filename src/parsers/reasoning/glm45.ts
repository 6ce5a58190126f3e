// source: vllm-project/vllm vllm/reasoning/glm4_moe_reasoning_parser.py; chat template of
// zai-org/GLM-4.5 (the model writes `<think>…</think>`; with thinking off the template writes
// an empty `<think></think>` into the prompt and the reply is plain text).
import { createThinkTagParser } from './create-think-tag-parser.js';

/** GLM-4.5/4.6: reasoning only inside a `<think>` the model opens; otherwise plain text. */
export const createGlm45ReasoningParser = createThinkTagParser({
  open: '<think>',
  close: '</think>',
  opensInPrompt: false,
});
