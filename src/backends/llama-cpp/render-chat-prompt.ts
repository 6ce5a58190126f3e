import { randomBytes } from 'node:crypto';
import { Template } from '@huggingface/jinja';
import type { ChatRequest } from '../../model/model-request.js';
import { ApiError } from '../../protocol/api-error.js';

/**
 * A rendered prompt as pieces. Template text (`<|im_start|>user\n`) may name special tokens;
 * content from the conversation must not: a file that contains `<|im_end|>` is text, or a tool
 * result could end the model's turn. The tokenizer treats the two kinds differently.
 */
export interface PromptSegment {
  text: string;
  /** true for text the template wrote; false for content that came from the client. */
  fromTemplate: boolean;
}

export interface TemplateVariables {
  bosToken?: string;
  eosToken?: string;
}

// Markers (private-use code points around a per-render nonce, which client text cannot guess)
// show where client content went, so the rendered string is cut back into template text and
// content without guessing.
const open = '\uE000';
const close = '\uE001';
// Tool-call argument strings are client text inside the template's own output (`tojson`
// escapes them), so they are wrapped rather than replaced: what lies between these markers is
// the value as the template wrote it, and is tokenized as content.
const wrapOpen = '\uE002';
const wrapClose = '\uE003';

/**
 * Renders a chat request with the model's own Jinja chat template, as vLLM and llama-server do
 * (tool-call arguments as objects, `reasoning_content` for templates that read it back,
 * `chat_template_kwargs` and `reasoning_effort` as template variables). A final assistant
 * message is continued (Anthropic prefill): the prompt ends where its content ends.
 */
export function renderChatPrompt(
  template: Template,
  chat: ChatRequest,
  variables: TemplateVariables = {},
): PromptSegment[] {
  return (
    renderWithMarkers(template, chat, variables, true) ??
    // The template cut a wrapped value apart (a filter that slices strings): its arguments are
    // rendered as before, as template text, rather than risk a marker's remains in the prompt.
    renderWithMarkers(template, chat, variables, false)!
  );
}

/** Undefined when argument strings were wrapped and a wrap marker lost its pair. */
function renderWithMarkers(
  template: Template,
  chat: ChatRequest,
  variables: TemplateVariables,
  wrapArguments: boolean,
): PromptSegment[] | undefined {
  const contents: string[] = [];
  const nonce = randomBytes(6).toString('hex');
  const hold = (text: string): string => {
    contents.push(text);
    return `${open}${nonce}:${contents.length - 1}${close}`;
  };
  const wrap = (text: string): string =>
    text === '' || !wrapArguments ? text : `${wrapOpen}${nonce}:${text}${wrapClose}${nonce}`;
  const messages = chat.messages.map((message) => templateMessage(message, hold, wrap));
  const continueFinal = chat.continue_final_message === true;
  const lastContent = continueFinal ? contents.length - 1 : -1;
  let rendered: string;
  try {
    rendered = template.render({
      messages,
      ...(chat.tools === undefined ? {} : { tools: chat.tools }),
      add_generation_prompt: chat.add_generation_prompt ?? !continueFinal,
      bos_token: variables.bosToken ?? '',
      eos_token: variables.eosToken ?? '',
      ...(chat.reasoning_effort == null ? {} : { reasoning_effort: chat.reasoning_effort }),
      ...chat.chat_template_kwargs,
    });
  } catch (error) {
    throw new ApiError(
      'invalid_request_error',
      `the model's chat template cannot render this conversation: ${(error as Error).message}`,
    );
  }
  const marker = new RegExp(`${open}${nonce}:(\\d+)${close}`, 'g');
  const segments = splitRendered(rendered, marker, contents, lastContent);
  if (!wrapArguments) return segments;
  const wrapped = new RegExp(`${wrapOpen}${nonce}:([\\s\\S]*?)${wrapClose}${nonce}`, 'g');
  const split = segments.flatMap((segment) =>
    segment.fromTemplate ? splitWrapped(segment.text, wrapped) : [segment],
  );
  const stray = split.some(
    (segment) =>
      segment.fromTemplate && (segment.text.includes(wrapOpen) || segment.text.includes(wrapClose)),
  );
  return stray ? undefined : split;
}

/** Template text cut where wrapped values lie: what is between a pair of markers is content. */
function splitWrapped(text: string, wrapped: RegExp): PromptSegment[] {
  const segments: PromptSegment[] = [];
  const push = (piece: string, fromTemplate: boolean): void => {
    if (piece !== '') segments.push({ text: piece, fromTemplate });
  };
  let last = 0;
  for (const match of text.matchAll(wrapped)) {
    push(text.slice(last, match.index), true);
    push(match[1] ?? '', false);
    last = match.index + match[0].length;
  }
  push(text.slice(last), true);
  return segments;
}

/** Parses a chat template once; a template that does not parse is a start-up error. */
export function parseChatTemplate(source: string): Template {
  return new Template(source);
}

function splitRendered(
  rendered: string,
  marker: RegExp,
  contents: string[],
  cutAfter: number,
): PromptSegment[] {
  const segments: PromptSegment[] = [];
  let last = 0;
  for (const match of rendered.matchAll(marker)) {
    if (match.index > last)
      segments.push({ text: rendered.slice(last, match.index), fromTemplate: true });
    const index = Number(match[1]);
    const text = contents[index] ?? '';
    if (text !== '') segments.push({ text, fromTemplate: false });
    last = match.index + match[0].length;
    if (index === cutAfter) return segments;
  }
  if (last < rendered.length) segments.push({ text: rendered.slice(last), fromTemplate: true });
  return segments;
}

type Hold = (text: string) => string;

function templateMessage(message: ChatRequest['messages'][number], hold: Hold, wrap: Hold): object {
  const result: Record<string, unknown> = { role: message.role };
  if ('content' in message) result.content = contentText(message.content, hold);
  if ('name' in message && message.name !== undefined) result.name = message.name;
  if (message.role === 'assistant') {
    const reasoning = (message as { reasoning_content?: string }).reasoning_content;
    if (reasoning !== undefined) result.reasoning_content = reasoning === '' ? '' : hold(reasoning);
    if (message.tool_calls !== undefined && message.tool_calls.length > 0) {
      result.tool_calls = message.tool_calls.map((call) =>
        call.type === 'function'
          ? {
              id: call.id,
              type: 'function',
              function: {
                name: call.function.name,
                arguments: wrapStrings(argumentsObject(call.function.arguments), wrap),
              },
            }
          : call,
      );
    }
  }
  if (message.role === 'tool') result.tool_call_id = message.tool_call_id;
  return result;
}

/** Held for the split, except empty text, which templates must see as empty (falsy). */
function contentText(content: unknown, hold: Hold): string | null {
  if (content == null) return null;
  if (typeof content === 'string') return content === '' ? '' : hold(content);
  const texts: string[] = [];
  for (const part of content as { type: string; text?: string; refusal?: string }[]) {
    if (part.type === 'text') texts.push(part.text ?? '');
    else if (part.type === 'refusal') texts.push(part.refusal ?? '');
    else if (part.type === 'image_url')
      // Claude Code recognises "Could not process image": it then drops the image and retries.
      throw new ApiError(
        'invalid_request_error',
        `Could not process image: the embedded engine reads text only; images need an upstream model that accepts them (--upstream)`,
      );
    else
      throw new ApiError(
        'invalid_request_error',
        `the embedded engine reads text only; "${part.type}" content needs an upstream model that accepts it (--upstream)`,
      );
  }
  const text = texts.join('\n\n');
  return text === '' ? '' : hold(text);
}

/** Every string value in a JSON value wrapped (keys stay as they are). */
function wrapStrings(value: unknown, wrap: Hold): unknown {
  if (typeof value === 'string') return wrap(value);
  if (Array.isArray(value)) return value.map((item) => wrapStrings(item, wrap));
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) result[key] = wrapStrings(item, wrap);
  return result;
}

/** Templates expect arguments as an object (`tool_call.arguments | tojson`), as vLLM passes them. */
function argumentsObject(json: string): unknown {
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null ? parsed : json;
  } catch {
    return json;
  }
}
