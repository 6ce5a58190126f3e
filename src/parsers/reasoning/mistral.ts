// source: vllm-project/vllm vllm/reasoning/mistral_reasoning_parser.py; chat template of
// mistralai/Magistral-Small-2509 (the system prompt asks for `[THINK]…[/THINK]`, and the model
// opens the block itself; `[THINK]` and `[/THINK]` are control tokens).
import { createThinkTagParser } from './create-think-tag-parser.js';

/**
 * Magistral: a reply that opens with `[THINK]` reasons until `[/THINK]`; one that does not is
 * all text. vLLM also takes a `[THINK]` after some text; here, as for every tag format, the
 * opening tag counts only at the start of the reply.
 */
export const createMistralReasoningParser = createThinkTagParser({
  open: '[THINK]',
  close: '[/THINK]',
  opensInPrompt: false,
});
