// source: vllm-project/vllm vllm/tool_parsers/deepseekv3_tool_parser.py; chat template of
// deepseek-ai/DeepSeek-V3-0324 and DeepSeek-R1-0528
// (`<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>NAME\n```json\nARGS\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>`).
import { createSectionParser } from './create-section-parser.js';
import { parseJsonObject } from '../../util/parse-json.js';
import { parseMarkedCalls } from './parse-marked-calls.js';
import type { ParsedToolCall } from './tool-call-output.js';

const markers = { begin: '<｜tool▁call▁begin｜>', end: '<｜tool▁call▁end｜>' };

/** DeepSeek-V3 / R1: a type, the name, then the arguments in a ```json fence. */
export const createDeepseekV3Parser = createSectionParser({
  name: 'deepseek_v3',
  sections: [{ open: '<｜tool▁calls▁begin｜>', close: '<｜tool▁calls▁end｜>' }],
  parseSection: (body) => parseMarkedCalls(body, markers, readFencedCall),
});

function readFencedCall(inner: string): ParsedToolCall | undefined {
  const match = /^[^<]*<｜tool▁sep｜>([^\n]+)\n\s*```(?:json)?\s*\n?([\s\S]*?)\s*```\s*$/.exec(
    inner,
  );
  const name = match?.[1]?.trim();
  const input = parseJsonObject(match?.[2] ?? '');
  return name && input ? { name, input } : undefined;
}
