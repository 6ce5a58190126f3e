import type { MessagesRequest } from '../protocol/messages-request-schema.js';

export type ReasoningEffort = 'low' | 'medium' | 'high';

export interface ThinkingOptions {
  reasoning_effort?: ReasoningEffort;
  /** Chat-template switches: Qwen3 and GLM read `enable_thinking`, DeepSeek V3.1 `thinking`. */
  chat_template_kwargs?: Record<string, unknown>;
}

/**
 * `thinking` and `output_config.effort` as what vLLM and llama-server understand.
 * enabled → thinking switched on, effort from the budget (unless an explicit effort is given);
 * disabled and between_tools (Anthropic: thinking off, only short progress notes between tool
 * calls) → switched off; adaptive → the model's default, effort if given.
 */
export function mapThinkingOptions(
  thinking: MessagesRequest['thinking'],
  effort: NonNullable<MessagesRequest['output_config']>['effort'],
): ThinkingOptions {
  const explicitEffort = effort == null ? undefined : mapEffort(effort);
  switch (thinking?.type) {
    case 'enabled':
      return {
        reasoning_effort: explicitEffort ?? effortForBudget(thinking.budget_tokens),
        chat_template_kwargs: { enable_thinking: true, thinking: true },
      };
    case 'disabled':
    case 'between_tools':
      return { chat_template_kwargs: { enable_thinking: false, thinking: false } };
    case 'adaptive':
    case undefined:
      return explicitEffort === undefined ? {} : { reasoning_effort: explicitEffort };
  }
}

function mapEffort(effort: 'low' | 'medium' | 'high' | 'xhigh' | 'max'): ReasoningEffort {
  return effort === 'xhigh' || effort === 'max' ? 'high' : effort;
}

/** Budgets as Anthropic documents them: 1k–4k is light, up to 16k moderate, beyond is deep. */
function effortForBudget(budgetTokens: number): ReasoningEffort {
  if (budgetTokens <= 4096) return 'low';
  if (budgetTokens <= 16384) return 'medium';
  return 'high';
}

/**
 * Whether the reply carries no thinking blocks: thinking left out or off (Anthropic then sends
 * none), or between_tools, whose progress notes a local model writes as text. Reasoning a model
 * writes anyway is dropped.
 */
export function hidesThinking(thinking: MessagesRequest['thinking']): boolean {
  return thinking == null || thinking.type === 'disabled' || thinking.type === 'between_tools';
}
