import type { Token } from 'node-llama-cpp';
import type { ChatRequest, ToolSchemas } from '../../model/model-request.js';
import type { ModelFinishReason, ModelStreamBatch } from '../../model/model-stream-part.js';
import { createToolCallId } from '../../parsers/create-tool-call-id.js';
import { evaluateTokens, type GenerationRun } from './evaluate-tokens.js';
import { IncrementalDetokenizer } from './incremental-detokenizer.js';
import { fitNumbers } from './fit-numbers.js';
import { hasNonFiniteNumber, jsonGrammarState } from './json-grammar.js';
import { JsonValueScanner } from './json-value-scanner.js';

/** The tools a request obliges the model to call from (`any` or a named tool), if any. */
export function forcedToolNames(chat: ChatRequest): string[] | undefined {
  const choice = chat.tool_choice;
  if (choice === 'required') {
    const names = (chat.tools ?? []).flatMap((tool) =>
      tool.type === 'function' ? [tool.function.name] : [],
    );
    return names.length > 0 ? names : undefined;
  }
  if (typeof choice === 'object' && choice.type === 'function') return [choice.function.name];
  return undefined;
}

const attempts = 3;

/**
 * `tool_choice` any / tool: the call is written into the assistant turn in the template's own
 * format (`<tool_call>\n{"name": …, "arguments": …}`), with the name and then the arguments
 * sampled under grammars, so the call always parses and fits the tool's schema. The call is
 * emitted once checked (arguments are short); a sample with a number JSON cannot hold, or out
 * of the schema's numeric bounds (which grammars do not express), is drawn again, and after the
 * last draw brought within the bounds.
 */
export async function* generateForcedToolCall(
  run: GenerationRun & {
    toolNames: readonly string[];
    tools: ToolSchemas;
    /** What opens a call in the model's format, e.g. `<tool_call>\n`. */
    callOpener: string;
    onWarning?: ((message: string) => void) | undefined;
  },
): AsyncGenerator<ModelStreamBatch, ModelFinishReason> {
  const { model, sequence } = run;
  const opener = [
    ...model.tokenize(run.callOpener, true, 'trimLeadingSpace'),
    ...model.tokenize('{"name": ', false, 'trimLeadingSpace'),
  ];
  const joinerTokens = model.tokenize(', "arguments": ', false, 'trimLeadingSpace');
  // The tokens written around the sampled name and arguments are output too, and max_tokens
  // bounds them all: a call that cannot fit is not begun.
  const written = opener.length + joinerTokens.length;
  if (run.maxTokens <= written + 1) return 'max-tokens';
  const budget = { left: run.maxTokens - written };
  const nameGrammar = await jsonGrammarState(run.llama, model, { enum: run.toolNames });
  const name = await sampleJson(run, [...run.input, ...opener], nameGrammar, budget);
  opener.forEach(() => run.onToken());
  if (name.aborted) return 'end-turn';
  if (!name.complete) return 'max-tokens'; // a call is never shown without its whole name
  const toolName = parseName(name.text, run.toolNames);
  const argumentsStart = sequence.nextTokenIndex;
  const joiner = [name.unevaluated, ...joinerTokens];
  joinerTokens.forEach(() => run.onToken());
  const schema = run.tools.get(toolName) ?? {};
  let args = { text: '', complete: false, aborted: false, unevaluated: 0 as Token };
  let usable = false;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) {
      await sequence.eraseContextTokenRanges([
        { start: argumentsStart, end: sequence.nextTokenIndex },
      ]);
    }
    const grammar = await jsonGrammarState(run.llama, model, schema);
    args = await sampleJson(run, joiner, grammar, budget);
    if (args.aborted || !args.complete) break;
    usable = isUsable(args.text, schema);
    if (usable) break;
    run.onWarning?.(`embedded engine: drew the arguments of ${toolName} again (${args.text})`);
  }
  if (args.aborted) return 'end-turn';
  if (args.complete && !usable)
    args.text = withinBounds(args.text, schema, toolName, run.onWarning);
  const id = createToolCallId();
  yield [
    { type: 'tool-call-start', id, name: toolName },
    { type: 'tool-call-delta', id, argumentsDelta: args.text },
    { type: 'tool-call-end', id },
  ];
  return args.complete ? 'tool-calls' : 'max-tokens';
}

interface SampledJson {
  text: string;
  complete: boolean;
  aborted: boolean;
  /** The last sampled token, which the engine has not evaluated yet. */
  unevaluated: Token;
}

async function sampleJson(
  run: GenerationRun,
  input: Token[],
  grammar: Awaited<ReturnType<typeof jsonGrammarState>>,
  budget: { left: number },
): Promise<SampledJson> {
  const detokenizer = new IncrementalDetokenizer(run.model);
  const scanner = new JsonValueScanner();
  const result: SampledJson = {
    text: '',
    complete: false,
    aborted: false,
    unevaluated: 0 as Token,
  };
  if (budget.left <= 0) return result;
  const tokens = evaluateTokens(run, input, { grammarEvaluationState: grammar });
  for (;;) {
    const next = await tokens.next();
    if (next.done === true) {
      result.aborted = next.value === 'aborted';
      return result;
    }
    run.onToken();
    budget.left--;
    result.unevaluated = next.value;
    const text = detokenizer.push(next.value);
    result.text += text.slice(0, scanner.push(text));
    if (scanner.complete || budget.left <= 0) {
      result.complete = scanner.complete;
      await tokens.return('end-of-generation');
      return result;
    }
  }
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

/**
 * Parses, holds only numbers JSON and JavaScript read exactly, and keeps the schema's numeric
 * bounds (which grammars cannot express beyond small integer ranges).
 */
function isUsable(text: string, schema: unknown): boolean {
  try {
    const value: unknown = JSON.parse(text);
    if (hasNonFiniteNumber(value)) return false;
    const fitted = fitNumbers(value, schema);
    return !fitted.changed && !fitted.unsafe;
  } catch {
    return false;
  }
}

/** Arguments still out of bounds after the last draw, brought within them: the call must fit. */
function withinBounds(
  text: string,
  schema: unknown,
  toolName: string,
  onWarning: ((message: string) => void) | undefined,
): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  const fitted = fitNumbers(value, schema);
  if (!fitted.changed) return text;
  onWarning?.(
    `embedded engine: numbers of ${toolName} brought within the schema's bounds (${text})`,
  );
  return JSON.stringify(fitted.value);
}
