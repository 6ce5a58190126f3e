// source: vllm-project/vllm vllm/tool_parsers/deepseekv31_tool_parser.py; chat template of
// deepseek-ai/DeepSeek-V3.1 (`<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>NAME<｜tool▁sep｜>ARGS<｜tool▁call▁end｜><｜tool▁calls▁end｜>`).
import { createSectionParser } from './create-section-parser.js';
import { parseJsonObject } from '../../util/parse-json.js';
import { parseMarkedCalls } from './parse-marked-calls.js';
import type { ParsedToolCall } from './tool-call-output.js';

const markers = { begin: '<｜tool▁call▁begin｜>', end: '<｜tool▁call▁end｜>' };

/** DeepSeek-V3.1: the name, the separator, then the JSON arguments without a fence. */
export const createDeepseekV31Parser = createSectionParser({
  name: 'deepseek_v31',
  sections: [{ open: '<｜tool▁calls▁begin｜>', close: '<｜tool▁calls▁end｜>' }],
  parseSection: (body) => parseMarkedCalls(body, markers, readSeparatedCall),
});

function readSeparatedCall(inner: string): ParsedToolCall | undefined {
  const separator = inner.indexOf('<｜tool▁sep｜>');
  if (separator === -1) return undefined;
  const name = inner.slice(0, separator).trim();
  const input = parseJsonObject(inner.slice(separator + '<｜tool▁sep｜>'.length));
  return name !== '' && !/\s/.test(name) && input ? { name, input } : undefined;
}
