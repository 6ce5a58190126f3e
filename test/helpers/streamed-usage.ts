import type Anthropic from '@anthropic-ai/sdk';
import type {
  MessageCreateParamsBase,
  MessageDeltaUsage,
  Usage,
} from '@anthropic-ai/sdk/resources/messages';

/** The usage a streamed reply reports in `message_start` and in `message_delta`, read raw. */
export async function streamedUsage(
  client: Anthropic,
  params: Omit<MessageCreateParamsBase, 'stream'>,
): Promise<{ start: Usage | undefined; delta: MessageDeltaUsage | undefined }> {
  let start: Usage | undefined;
  let delta: MessageDeltaUsage | undefined;
  for await (const event of await client.messages.create({ ...params, stream: true })) {
    if (event.type === 'message_start') start = event.message.usage;
    if (event.type === 'message_delta') delta = event.usage;
  }
  return { start, delta };
}
