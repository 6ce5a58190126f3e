// source: vllm-project/vllm vllm/tool_parsers/kimi_k2_tool_parser.py; chat template of
// moonshotai/Kimi-K2-Instruct (`<|tool_calls_section_begin|><|tool_call_begin|>functions.NAME:0<|tool_call_argument_begin|>ARGS<|tool_call_end|><|tool_calls_section_end|>`).
import { createSectionParser } from './create-section-parser.js';
import { parseJsonObject } from '../../util/parse-json.js';
import { parseMarkedCalls } from './parse-marked-calls.js';
import type { ParsedToolCall } from './tool-call-output.js';

const markers = { begin: '<|tool_call_begin|>', end: '<|tool_call_end|>' };

/** Kimi K2: `functions.NAME:INDEX` ids, JSON arguments. vLLM accepts the singular section tokens too. */
export const createKimiK2Parser = createSectionParser({
  name: 'kimi_k2',
  sections: [
    { open: '<|tool_calls_section_begin|>', close: '<|tool_calls_section_end|>' },
    { open: '<|tool_call_section_begin|>', close: '<|tool_call_section_end|>' },
  ],
  parseSection: (body) => parseMarkedCalls(body, markers, readKimiCall),
});

function readKimiCall(inner: string): ParsedToolCall | undefined {
  const match = /^\s*([^\s<]+?)(?::\d+)?\s*<\|tool_call_argument_begin\|>([\s\S]*)$/.exec(inner);
  // "functions.get_weather:0" → "get_weather"; the index only numbers calls within the reply.
  const name = match?.[1]?.split('.').at(-1);
  const input = parseJsonObject(match?.[2] ?? '');
  return name && input ? { name, input } : undefined;
}
