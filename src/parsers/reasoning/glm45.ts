// source: vllm-project/vllm vllm/reasoning/glm4_moe_reasoning_parser.py and
// glm47_moe_reasoning_parser.py (vLLM maps `glm45` to the GLM-4.7 parser); chat templates of
// zai-org/GLM-4.5 (the model writes `<think>…</think>`) and GLM-4.7 (the generation prompt ends
// with `<|assistant|><think>`, so only `</think>` is generated). With thinking off both templates
// close the block in the prompt and the reply is plain text.
import { createThinkTagParser } from './create-think-tag-parser.js';

/**
 * GLM-4.5/4.6/4.7: reasoning until `</think>`, whether the template or the model opened the
 * block; pass `promptOpensReasoning: false` when the request switched thinking off.
 */
export const createGlm45ReasoningParser = createThinkTagParser({
  open: '<think>',
  close: '</think>',
  opensInPrompt: true,
});
