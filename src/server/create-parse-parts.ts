import type { ModelRequest } from '../model/model-request.js';
import type { ModelStreamBatch } from '../model/model-stream-part.js';
import { ConfigError } from '../config/config-error.js';
import type { TextParserSelection } from '../parsers/apply-text-parsers.js';
import {
  chooseReasoningParser,
  templateOpensReasoning,
} from '../parsers/choose-reasoning-parser.js';
import { chooseToolCallParser } from '../parsers/choose-tool-call-parser.js';
import { parseTextParts } from '../parsers/parse-text-parts.js';
import { getReasoningParser } from '../parsers/reasoning-parsers.js';
import { getToolCallParser } from '../parsers/tool-call-parsers.js';

export interface ParserSettings {
  /** `--tool-call-parser`: a vLLM name, or `auto`. */
  toolCallParser?: string;
  /** `--reasoning-parser`: a vLLM name, or `auto`. */
  reasoningParser?: string;
  /** Per served model, overriding the two above. */
  models?: Readonly<
    Record<string, { toolCallParser?: string | undefined; reasoningParser?: string | undefined }>
  >;
  /** The served model's chat template, where the backend knows it (for `auto`). */
  chatTemplate?: (model: string) => string | undefined;
  /** A tool-call format the backend itself asked the model for; `auto` takes it first. */
  toolCallFormat?: (model: string) => string | undefined;
  onWarning?: (message: string) => void;
  /** Told once per served model which parsers it got. */
  onChosen?: (model: string, chosen: { toolCallParser?: string; reasoningParser?: string }) => void;
}

type ParseParts = (
  batches: AsyncIterable<ModelStreamBatch>,
  request: ModelRequest,
) => AsyncIterable<ModelStreamBatch>;

/**
 * The raw-text parsing stage for the configured parsers, or undefined when none is configured
 * (structured upstream output then passes untouched). Names are checked now, so an unknown one
 * stops start-up with the list of valid names.
 */
export function createParseParts(settings: ParserSettings): ParseParts | undefined {
  checkNames(
    settings.toolCallParser,
    settings.reasoningParser,
    '--tool-call-parser',
    '--reasoning-parser',
  );
  for (const [model, perModel] of Object.entries(settings.models ?? {})) {
    checkNames(
      perModel.toolCallParser,
      perModel.reasoningParser,
      `modelParsers.${model}.toolCallParser`,
      `modelParsers.${model}.reasoningParser`,
    );
  }
  const anyConfigured =
    settings.toolCallParser !== undefined ||
    settings.reasoningParser !== undefined ||
    Object.keys(settings.models ?? {}).length > 0;
  if (!anyConfigured) return undefined;
  const selections = new Map<string, ModelParsers>();
  const selectionFor = (model: string): ModelParsers => {
    let selection = selections.get(model);
    if (selection === undefined) {
      selection = selectParsers(settings, model);
      selections.set(model, selection);
    }
    return selection;
  };
  return (batches, request) => {
    const selection = selectionFor(request.model);
    const parsers = withoutToolCallsUnlessOffered(selection.parsers, request.chat);
    if (parsers.reasoning === undefined && parsers.toolCalls === undefined) return batches;
    const thinkingSwitch = request.chat.chat_template_kwargs?.enable_thinking;
    const opens =
      thinkingSwitch === false && !selection.alwaysThinks ? false : selection.promptOpensReasoning;
    return parseTextParts(batches, {
      parsers,
      toolSchemas: request.toolSchemas,
      ...(opens === undefined ? {} : { promptOpensReasoning: opens }),
      ...(request.hidesReasoning === true ? { hidesReasoning: true } : {}),
      ...(thinkingSwitch === true ? { thinkingRequested: true } : {}),
      ...(settings.onWarning === undefined ? {} : { onWarning: settings.onWarning }),
    });
  };
}

/**
 * Text is read for tool calls only when the request offers tools and lets the model call them:
 * with no tools, or `tool_choice: none`, Anthropic never answers with a tool_use, so a call the
 * model writes anyway stays text (as vLLM leaves it with `tool_choice: "none"`). The harmony
 * parser (`openai`) stays: it also reads gpt-oss's reasoning and final channels.
 */
function withoutToolCallsUnlessOffered(
  selection: TextParserSelection,
  chat: ModelRequest['chat'],
): TextParserSelection {
  const offered = (chat.tools?.length ?? 0) > 0 && chat.tool_choice !== 'none';
  if (offered || selection.toolCalls === undefined) return selection;
  if (selection.toolCalls === getToolCallParser('openai')) return selection;
  return selection.reasoning === undefined ? {} : { reasoning: selection.reasoning };
}

interface ModelParsers {
  parsers: TextParserSelection;
  /** Whether the model's prompt opens its reasoning block, where its template says. */
  promptOpensReasoning?: boolean;
  /**
   * deepseek_r1's models (R1, QwQ, Qwen3-*-Thinking) think whatever the request says: their
   * templates open the block with no switch, so thinking switched off still starts inside it.
   */
  alwaysThinks: boolean;
}

function selectParsers(settings: ParserSettings, model: string): ModelParsers {
  const perModel = settings.models?.[model];
  const template = settings.chatTemplate?.(model);
  const toolName = resolveName(
    perModel?.toolCallParser ?? settings.toolCallParser,
    () => settings.toolCallFormat?.(model) ?? chooseToolCallParser(model, template),
  );
  const reasoningSetting = perModel?.reasoningParser ?? settings.reasoningParser;
  const reasoningName = resolveName(reasoningSetting, () => chooseReasoningParser(model, template));
  settings.onChosen?.(model, {
    ...(toolName === undefined ? {} : { toolCallParser: toolName }),
    ...(reasoningName === undefined ? {} : { reasoningParser: reasoningName }),
  });
  // A parser named outright keeps vLLM's reading of it; `auto` follows the template.
  const opens =
    reasoningName === undefined || reasoningSetting !== 'auto'
      ? undefined
      : templateOpensReasoning(reasoningName, template);
  return {
    parsers: {
      ...(toolName === undefined ? {} : { toolCalls: getToolCallParser(toolName) }),
      ...(reasoningName === undefined ? {} : { reasoning: getReasoningParser(reasoningName) }),
    },
    ...(opens === undefined ? {} : { promptOpensReasoning: opens }),
    alwaysThinks: reasoningName === 'deepseek_r1',
  };
}

/** `auto` chooses; `none` (also the default) is no parser. */
function resolveName(name: string | undefined, auto: () => string | undefined): string | undefined {
  if (name === 'none') return undefined;
  return name === 'auto' ? auto() : name;
}

function checkNames(
  tool: string | undefined,
  reasoning: string | undefined,
  toolWhere: string,
  reasoningWhere: string,
): void {
  check(tool, getToolCallParser, toolWhere);
  check(reasoning, getReasoningParser, reasoningWhere);
}

function check(name: string | undefined, get: (name: string) => unknown, where: string): void {
  if (name === undefined || name === 'auto' || name === 'none') return;
  try {
    get(name);
  } catch (error) {
    throw new ConfigError(`${where}: ${(error as Error).message}`);
  }
}
