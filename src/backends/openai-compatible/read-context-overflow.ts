// source: vllm-project/vllm vllm/renderers/params.py (`TokenizeParams`: `_token_len_check`,
// `_text_len_check`, `__post_init__`, `get_encode_kwargs`), older `serving_engine.py`
// `_validate_input`; sglang `serving_chat` / scheduler length checks; llama.cpp
// tools/server `exceed_context_size_error`; LM Studio's "Trying to keep the first N tokens…"
// (lmstudio-bug-tracker); Ollama llm/server.go "the prompt is longer than the context length…"
// (no numbers). Wordings change between releases: numbers are read with a pattern each, never
// by matching whole sentences.

/** The numbers a context-length refusal states, where it states them. */
export interface ContextOverflow {
  /** Tokens of the prompt the upstream counted. */
  promptTokens?: number | undefined;
  /**
   * `promptTokens` is a lower bound: current vLLM stops tokenizing one token past the input
   * limit (`max_length = max_input_tokens + 1`), so it reports `context - output + 1` (newer
   * releases say "at least") however long the prompt really is.
   */
  promptAtLeast: boolean;
  contextLength?: number | undefined;
  /** The output tokens the refused request asked for. */
  outputTokens?: number | undefined;
  /**
   * The refusal says the prompt by itself does not fit (Ollama, LM Studio): a retry with less
   * output, or none, would be refused the same way.
   */
  promptAlone: boolean;
}

/** Words only a context-length refusal uses. */
const overflowWords =
  /maximum context length|context size|context length|maximum model length|maximum allowed length|context window|exceed_context_size|max_model_len=/i;

const promptPatterns = [
  /(\d+) in the messages/, // vLLM ≤ 0.9: "you requested T tokens (N in the messages, M in the completion)"
  /request has (\d+) input tokens/, // vLLM 0.10–0.11
  /You passed (\d+) input tokens/, // vLLM renderer
  /prompt contains (?:at least )?(\d+) input tokens/, // vLLM, newest
  /(\d+) tokens from the input messages/, // SGLang
  /keep the first (\d+) tokens/, // LM Studio: "Trying to keep the first N tokens when context the overflows"
  /prompt \(length (\d+)\)/, // vLLM: "The decoder prompt (length N) is longer than…"
  /The input \((\d+) tokens\)/, // SGLang: "The input (N tokens) is longer than the model's context length"
  /request \((\d+) tokens\)/,
  /input length \((\d+) tokens\)/i, // SGLang scheduler
  /"n_prompt_tokens"\s*:\s*(\d+)/, // llama-server
];
const contextPatterns = [
  /maximum context length (?:is|of) (\d+)/,
  /context length (?:is|of) only (\d+)/, // vLLM renderer; LM Studio "…of only C tokens"
  /maximum model length (?:of |is )?(\d+)/,
  /context length \((\d+) tokens\)/,
  /context size \((\d+) tokens\)/,
  /maximum allowed length \((\d+) tokens\)/,
  /max_model_len=(?:max_total_tokens=)?(\d+)/, // vLLM: max_tokens alone above the context
  /"n_ctx"\s*:\s*(\d+)/, // llama-server
];
const outputPatterns = [
  /(\d+) in the completion/,
  /is too large: (\d+)/, // vLLM 0.10–0.11: "'max_tokens' or 'max_completion_tokens' is too large: M"
  /requested (\d+) output tokens/, // vLLM renderer and newest
  /(\d+) tokens for the completion/, // SGLang
  /(\d+) ?cannot be greater than/, // vLLM: "max_tokens=Mcannot be greater than max_model_len=C"
];

/** Words of a refusal of the prompt itself, whatever output was asked for. */
const promptAloneWords = /prompt is longer than the context length|keep the first \d+ tokens/i;

/** Whether the prompt by itself fits the context, as the counts say; undefined without both. */
export function promptFitsContext({
  promptTokens,
  contextLength,
}: ContextOverflow): boolean | undefined {
  if (promptTokens === undefined || contextLength === undefined) return undefined;
  return promptTokens < contextLength;
}

/** The numbers of a context-length refusal; undefined when the text is not one. */
export function readContextOverflow(text: string): ContextOverflow | undefined {
  if (!overflowWords.test(text)) return undefined;
  const promptTokens = firstNumber(promptPatterns, text);
  const contextLength = firstNumber(contextPatterns, text);
  const outputTokens = firstNumber(outputPatterns, text);
  const promptAtLeast =
    /at least \d+ input tokens/.test(text) ||
    (promptTokens !== undefined &&
      contextLength !== undefined &&
      outputTokens !== undefined &&
      outputTokens > 0 &&
      promptTokens + outputTokens === contextLength + 1);
  const promptAlone = promptAloneWords.test(text);
  return { promptTokens, promptAtLeast, contextLength, outputTokens, promptAlone };
}

function firstNumber(patterns: readonly RegExp[], text: string): number | undefined {
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match?.[1] !== undefined) return Number(match[1]);
  }
  return undefined;
}
