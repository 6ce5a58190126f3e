// source: vllm-project/vllm vllm/reasoning/seedoss_reasoning_parser.py (a BaseThinkingReasoningParser,
// like deepseek_r1); chat template of ByteDance-Seed/Seed-OSS-36B-Instruct (the model writes
// `<seed:think>…</seed:think>`, with `<seed:cot_budget_reflect>` notes inside).
import { createThinkTagParser } from './create-think-tag-parser.js';

/** Seed-OSS: everything before `</seed:think>` is reasoning, with or without the opening tag. */
export const createSeedOssReasoningParser = createThinkTagParser({
  open: '<seed:think>',
  close: '</seed:think>',
  opensInPrompt: true,
});
