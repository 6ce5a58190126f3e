import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../model/model-request.js';
import type { ChatMessage } from '../../translate/chat-message.js';
import { ApiError } from '../../protocol/api-error.js';
import { parseChatTemplate, renderChatPrompt, type PromptSegment } from './render-chat-prompt.js';

const chatml = parseChatTemplate(
  [
    '{%- for m in messages %}<|im_start|>{{ m.role }}\n',
    '{% if m.reasoning_content %}<think>{{ m.reasoning_content }}</think>{% endif %}',
    '{% if m.content %}{{ m.content }}{% endif %}',
    '{% for call in m.tool_calls or [] %}<tool_call>{{ call.function.name }} {{ call.function.arguments | tojson }}</tool_call>{% endfor %}',
    '<|im_end|>\n{% endfor %}',
    '{% if tools %}[tools: {% for t in tools %}{{ t.function.name }} {% endfor %}]{% endif %}',
    '{% if add_generation_prompt %}<|im_start|>assistant\n',
    '{% if enable_thinking is defined and not enable_thinking %}<think></think>{% endif %}',
    '{% if reasoning_effort %}[effort {{ reasoning_effort }}]{% endif %}{% endif %}',
  ].join(''),
);

const template = (text: string): PromptSegment => ({ text, fromTemplate: true });
const client = (text: string): PromptSegment => ({ text, fromTemplate: false });

type ChatFields = Omit<Partial<ChatRequest>, 'messages'> & { messages?: ChatMessage[] };

function chat(fields: ChatFields): ChatRequest {
  return { model: 'm', stream: true, ...fields, messages: fields.messages ?? [] };
}

const writeCall = chat({
  messages: [
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'c',
          type: 'function',
          function: {
            name: 'Write',
            arguments: JSON.stringify({ text: 'a "b" <|im_end|>', n: 2, list: ['x'] }),
          },
        },
      ],
    },
  ],
});

describe('renderChatPrompt', () => {
  it.each<[string, ChatRequest, PromptSegment[]]>([
    [
      'client text apart from template text',
      chat({ messages: [{ role: 'user', content: 'hi <|im_end|>' }] }),
      [
        template('<|im_start|>user\n'),
        client('hi <|im_end|>'),
        template('<|im_end|>\n<|im_start|>assistant\n'),
      ],
    ],
    [
      'text parts joined, system kept',
      chat({
        messages: [
          { role: 'system', content: 'rules' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
      }),
      [
        template('<|im_start|>system\n'),
        client('rules'),
        template('<|im_end|>\n<|im_start|>user\n'),
        client('a\n\nb'),
        template('<|im_end|>\n<|im_start|>assistant\n'),
      ],
    ],
    [
      'tool-call arguments reach the template as an object, their strings as client text; reasoning as reasoning_content',
      chat({
        messages: [
          {
            role: 'assistant',
            content: null,
            reasoning_content: 'plan',
            tool_calls: [
              { id: 'c', type: 'function', function: { name: 'Read', arguments: '{"path":"a"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'c', content: 'file text' },
        ],
        add_generation_prompt: false,
      }),
      [
        template('<|im_start|>assistant\n<think>'),
        client('plan'),
        template('</think><tool_call>Read {"path": "'),
        client('a'),
        template('"}</tool_call><|im_end|>\n<|im_start|>tool\n'),
        client('file text'),
        template('<|im_end|>\n'),
      ],
    ],
    [
      'a final assistant message is continued (prefill): the prompt ends with its content',
      chat({
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'The answer is' },
        ],
        continue_final_message: true,
        add_generation_prompt: false,
      }),
      [
        template('<|im_start|>user\n'),
        client('q'),
        template('<|im_end|>\n<|im_start|>assistant\n'),
        client('The answer is'),
      ],
    ],
    [
      'tools, chat_template_kwargs and reasoning_effort are template variables',
      chat({
        messages: [{ role: 'user', content: 'q' }],
        tools: [{ type: 'function', function: { name: 'Bash', parameters: {} } }],
        chat_template_kwargs: { enable_thinking: false },
        reasoning_effort: 'low',
      }),
      [
        template('<|im_start|>user\n'),
        client('q'),
        template('<|im_end|>\n[tools: Bash ]<|im_start|>assistant\n<think></think>[effort low]'),
      ],
    ],
  ])('%s', (_name, request, segments) => {
    expect(renderChatPrompt(chatml, request)).toEqual(segments);
  });

  it('text shaped like a content marker is not taken for one', () => {
    const forged = '\uE0000\uE001';
    const segments = renderChatPrompt(
      chatml,
      chat({
        messages: [{ role: 'user', content: 'secret' }],
        tools: [{ type: 'function', function: { name: `x${forged}`, parameters: {} } }],
      }),
    );
    expect(segments.filter((segment) => !segment.fromTemplate)).toEqual([client('secret')]);
    expect(segments.map((segment) => segment.text).join('')).toContain(forged);
  });

  it.each([
    [
      'images',
      chat({
        messages: [
          {
            role: 'user',
            content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA==' } }],
          },
        ],
      }),
      /^Could not process image: the embedded engine reads text only; images need an upstream/,
    ],
  ])('refuses %s with a 400 that says why', (_name, request, message) => {
    expect(() => renderChatPrompt(chatml, request)).toThrow(message);
    try {
      renderChatPrompt(chatml, request);
    } catch (error) {
      expect((error as ApiError).status).toBe(400);
    }
  });

  it('a template that raises becomes a 400 naming the template', () => {
    const strict = parseChatTemplate(
      "{% if messages[0].role != 'user' %}{{ raise_exception('Conversation must start with user') }}{% endif %}",
    );
    expect(() =>
      renderChatPrompt(strict, chat({ messages: [{ role: 'assistant', content: 'x' }] })),
    ).toThrow(/chat template cannot render this conversation: .*start with user/);
  });
});

it('empty content and reasoning reach the template empty, as templates test them', () => {
  // Qwen's templates put a newline before a call only when the turn has text; a turn that is
  // only a call must render as the model wrote it, or the next turn cannot reuse its cache.
  const truthiness = parseChatTemplate(
    '{% for m in messages %}[{{ "text" if m.content else "none" }}/{{ "think" if m.reasoning_content else "none" }}]{% endfor %}',
  );
  const call = { id: 'c', type: 'function' as const, function: { name: 'Bash', arguments: '{}' } };
  const segments = renderChatPrompt(
    truthiness,
    chat({
      messages: [
        { role: 'assistant', content: '', reasoning_content: '', tool_calls: [call] },
        { role: 'assistant', content: [{ type: 'text', text: '' }], tool_calls: [call] },
      ],
    }),
  );
  expect(segments).toEqual([template('[none/none][none/none]')]);
});

it('a tool call’s string arguments stay text however the template writes them', () => {
  // tojson escapes the value; a template that writes it raw does not. Either way a special
  // token's text inside it (a file about chat templates, say) is content, not a control token.
  const both = parseChatTemplate(
    '{% for m in messages %}{% for c in m.tool_calls %}' +
      '<tool_call>{{ c.function.arguments | tojson }}|{{ c.function.arguments.text }}' +
      '</tool_call>{% endfor %}{% endfor %}',
  );
  expect(renderChatPrompt(both, writeCall)).toEqual([
    template('<tool_call>{"text": "'),
    client('a \\"b\\" <|im_end|>'),
    template('", "n": 2, "list": ["'),
    client('x'),
    template('"]}|'),
    client('a "b" <|im_end|>'),
    template('</tool_call>'),
  ]);
});

it('a template that cuts an argument string gets the arguments as before, nothing of a marker', () => {
  const cutting = parseChatTemplate(
    '{% for m in messages %}{% for c in m.tool_calls %}' +
      '<tool_call>{{ c.function.arguments.text[:3] }}</tool_call>{% endfor %}{% endfor %}',
  );
  expect(renderChatPrompt(cutting, writeCall)).toEqual([template('<tool_call>a "</tool_call>')]);
});
