import type { LlamaGrammar } from 'node-llama-cpp';
import type { ModelFinishReason, ModelStreamBatch } from '../../model/model-stream-part.js';
import { drawJson } from './draw-json.js';
import type { GenerationRun } from './evaluate-tokens.js';

/**
 * Structured output (`output_config.format`): the reply is a JSON value sampled under the
 * schema's grammar and checked as a forced call's arguments are (see drawJson), so it goes out
 * in one piece once checked: a value already streamed could not be drawn again.
 */
export async function* generateStructuredOutput(
  run: GenerationRun & {
    schema: unknown;
    grammar: LlamaGrammar;
    onWarning?: ((message: string) => void) | undefined;
  },
): AsyncGenerator<ModelStreamBatch, ModelFinishReason> {
  let tokens = 0;
  const counted = {
    ...run,
    onToken: () => {
      tokens++;
      run.onToken();
    },
  };
  const value = await drawJson(counted, {
    input: run.input,
    grammar: run.grammar,
    schema: run.schema,
    budget: { left: run.maxTokens },
    label: 'the structured output',
    onWarning: run.onWarning,
  });
  if (value.aborted) return 'end-turn';
  if (value.text !== '') yield [{ type: 'text-delta', text: value.text, tokens }];
  return value.complete ? 'end-turn' : 'max-tokens';
}
