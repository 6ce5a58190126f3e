// source: vllm-project/vllm vllm/tool_parsers/hermes_tool_parser.py; chat templates of
// NousResearch Hermes 2 Pro / 3 and Qwen2.5 / Qwen3 (`<tool_call>\n{"name": …, "arguments": …}\n</tool_call>`).
import { createSectionParser } from './create-section-parser.js';
import { readJsonCall } from './read-json-call.js';
import { malformed, parsedCalls, type SectionParse } from './section-parse.js';

/** Hermes: one JSON object `{"name", "arguments"}` per `<tool_call>` section. */
export const createHermesParser = createSectionParser({
  name: 'hermes',
  sections: [{ open: '<tool_call>', close: '</tool_call>' }],
  parseSection: (body): SectionParse => {
    const call = readJsonCall(body);
    return call === undefined
      ? malformed('not a JSON {"name", "arguments"} object')
      : parsedCalls([call]);
  },
});
