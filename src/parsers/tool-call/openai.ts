// source: vllm-project/vllm vllm/tool_parsers/openai_tool_parser.py; harmony format of
// openai/gpt-oss-20b and gpt-oss-120b (see ../harmony-parser.ts).
import { createHarmonyParser } from '../harmony-parser.js';
import type { TextParser, TextParserOptions } from '../text-parser.js';

/** gpt-oss harmony: calls from `to=functions.NAME` messages, reasoning from analysis channels. */
export function createOpenaiParser(options: TextParserOptions): TextParser {
  return createHarmonyParser('tool-calls', options);
}
