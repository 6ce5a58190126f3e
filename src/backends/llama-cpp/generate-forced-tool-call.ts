import type { LlamaGrammar } from 'node-llama-cpp';
import type { ModelFinishReason, ModelStreamBatch } from '../../model/model-stream-part.js';
import { createToolCallId } from '../../parsers/create-tool-call-id.js';
import { drawJson } from './draw-json.js';
import { evaluatePrompt, type GenerationRun } from './evaluate-tokens.js';
import { jsonGrammar } from './json-grammar.js';

/**
 * `tool_choice` any / tool: the call is written into the assistant turn in the template's own
 * format (`<tool_call>\n{"name": …, "arguments": …}`), with the name and then the arguments
 * sampled under grammars (the name's over `toolNames`, then the arguments' for the tool drawn),
 * so the call always parses and fits the tool's schema. The call is emitted once checked
 * (arguments are short): what grammars do not hold to is checked after sampling (see drawJson).
 */
export async function* generateForcedToolCall(
  run: GenerationRun & {
    toolNames: readonly string[];
    /**
     * The named tool's input schema with its grammar, asked for once the name is drawn: only the
     * chosen tool's grammar is made.
     */
    toolGrammar: (name: string) => Promise<{ schema: unknown; grammar: LlamaGrammar }>;
    /** What opens a call in the model's format, e.g. `<tool_call>\n`. */
    callOpener: string;
    onWarning?: ((message: string) => void) | undefined;
  },
): AsyncGenerator<ModelStreamBatch, ModelFinishReason> {
  const { model } = run;
  const opener = [
    ...model.tokenize(run.callOpener, true, 'trimLeadingSpace'),
    ...model.tokenize('{"name": ', false, 'trimLeadingSpace'),
  ];
  const joinerTokens = model.tokenize(', "arguments": ', false, 'trimLeadingSpace');
  // The tokens written around the sampled name and arguments are output too, and max_tokens
  // bounds them all: a call that cannot fit is not begun. The prompt is read all the same, so
  // that its usage is true and max_tokens 0 warms the cache.
  const written = opener.length + joinerTokens.length;
  if (run.maxTokens <= written + 1) return (await evaluatePrompt(run)) ? 'max-tokens' : 'end-turn';
  const budget = { left: run.maxTokens - written };
  const nameGrammar = await jsonGrammar(run.llama, { enum: run.toolNames }, 'tool_choice');
  const name = await drawJson(run, {
    input: [...run.input, ...opener],
    grammar: nameGrammar,
    schema: undefined,
    budget,
    label: 'the tool name',
  });
  opener.forEach(() => run.onToken());
  if (name.aborted) return 'end-turn';
  if (!name.complete) return 'max-tokens'; // a call is never shown without its whole name
  const toolName = parseName(name.text, run.toolNames);
  joinerTokens.forEach(() => run.onToken());
  const tool = await run.toolGrammar(toolName);
  const args = await drawJson(run, {
    input: [name.unevaluated, ...joinerTokens],
    grammar: tool.grammar,
    schema: tool.schema,
    budget,
    label: `the arguments of ${toolName}`,
    onWarning: run.onWarning,
  });
  if (args.aborted) return 'end-turn';
  const id = createToolCallId();
  yield [
    { type: 'tool-call-start', id, name: toolName },
    { type: 'tool-call-delta', id, argumentsDelta: args.text },
    { type: 'tool-call-end', id },
  ];
  return args.complete ? 'tool-calls' : 'max-tokens';
}

function parseName(text: string, names: readonly string[]): string {
  try {
    const name: unknown = JSON.parse(text);
    if (typeof name === 'string' && names.includes(name)) return name;
  } catch {
    // an unfinished name (no tokens left): fall through
  }
  return names[0]!;
}
