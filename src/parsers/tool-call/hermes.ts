// source: vllm-project/vllm vllm/tool_parsers/hermes_tool_parser.py; chat templates of
// NousResearch Hermes 2 Pro / 3 and Qwen2.5 / Qwen3 (`<tool_call>\n{"name": …, "arguments": …}\n</tool_call>`).
import { BracketExtentScanner } from './bracket-extent-scanner.js';
import { createSectionParser } from './create-section-parser.js';
import { readJsonCall } from './read-json-call.js';
import { malformed, parsedCalls, unfinished, type SectionParse } from './section-parse.js';

/** Hermes: one JSON object `{"name", "arguments"}` per `<tool_call>` section. */
export const createHermesParser = createSectionParser({
  name: 'hermes',
  sections: [{ open: '<tool_call>', close: '</tool_call>' }],
  parseSection: parseJsonSection,
  closeWasReal: breaksString,
});

/**
 * A body that stops inside a JSON string is unfinished: the `</tool_call>` after it is text of
 * that string (an argument that quotes the tags). Only a string holds the section open: an
 * object merely missing a brace is malformed at its close tag, not held to the end.
 */
function parseJsonSection(body: string): SectionParse {
  const scanner = new BracketExtentScanner('"');
  if (scanner.scan(body) === -1 && scanner.inString) return unfinished('inside a JSON string');
  const call = readJsonCall(body);
  return call === undefined
    ? malformed('not a JSON {"name", "arguments"} object')
    : parsedCalls([call]);
}

/**
 * The text after a `</tool_call>` read as text of a JSON string, piece by piece. A control
 * character (a line break) before that string ends shows the tag was real: a JSON string holds
 * none (RFC 8259 §7), so the look past the tag lasts at most to the end of its line. A quote
 * first ends the string: the tag was text of it.
 */
function breaksString(): (piece: string) => boolean | undefined {
  let escaped = false;
  return (piece) => {
    for (let i = 0; i < piece.length; i++) {
      const char = piece.charAt(i);
      if (escaped) escaped = false;
      else if (char === '"') return false;
      else if (char === '\\') escaped = true;
      else if (char < ' ') return true;
    }
    return undefined;
  };
}
