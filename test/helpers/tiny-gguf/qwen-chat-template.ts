// A ChatML template in the shape of Qwen2.5's and Qwen3's (tools as JSON lines inside <tools>
// in the system turn, calls as <tool_call> JSON, tool results as <tool_response> inside a user
// turn), written for @huggingface/jinja as node-llama-cpp and llama.cpp's --jinja render it.
// Differences from Qwen2.5: no default system prompt (as Qwen3); string `arguments` are
// written as-is rather than re-encoded (as Qwen3); `reasoning_content` of an assistant turn is
// rendered inside <think>; `enable_thinking=false` pre-fills an empty think block (as Qwen3).

const toolsPreamble =
  '# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\n' +
  'You are provided with function signatures within <tools></tools> XML tags:\\n<tools>';

const toolsPostamble =
  '\\n</tools>\\n\\nFor each function call, return a json object with function name and ' +
  'arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n' +
  '{"name": <function-name>, "arguments": <args-json-object>}\\n</tool_call>';

const systemTurn = `
{%- set first_is_system = messages and messages[0].role == 'system' %}
{%- if tools %}
  {{- '<|im_start|>system\\n' }}
  {%- if first_is_system %}{{- messages[0].content + '\\n\\n' }}{%- endif %}
  {{- '${toolsPreamble}' }}
  {%- for tool in tools %}{{- '\\n' + (tool | tojson) }}{%- endfor %}
  {{- '${toolsPostamble}<|im_end|>\\n' }}
{%- elif first_is_system %}
  {{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}
{%- endif %}`;

const assistantTurn = `
  {{- '<|im_start|>assistant\\n' }}
  {%- if message.reasoning_content %}
    {{- '<think>\\n' + message.reasoning_content + '\\n</think>\\n\\n' }}
  {%- endif %}
  {%- if message.content %}{{- message.content }}{%- endif %}
  {%- for call in message.tool_calls or [] %}
    {%- if call.function is defined %}{%- set call = call.function %}{%- endif %}
    {%- if loop.first and not message.content %}{{- '<tool_call>\\n' }}
    {%- else %}{{- '\\n<tool_call>\\n' }}{%- endif %}
    {{- '{"name": "' + call.name + '", "arguments": ' }}
    {%- if call.arguments is string %}{{- call.arguments }}
    {%- else %}{{- call.arguments | tojson }}{%- endif %}
    {{- '}\\n</tool_call>' }}
  {%- endfor %}
  {{- '<|im_end|>\\n' }}`;

const toolTurn = `
  {%- if loop.first or messages[loop.index0 - 1].role != 'tool' %}{{- '<|im_start|>user' }}{%- endif %}
  {{- '\\n<tool_response>\\n' + message.content + '\\n</tool_response>' }}
  {%- if loop.last or messages[loop.index0 + 1].role != 'tool' %}{{- '<|im_end|>\\n' }}{%- endif %}`;

const generationPrompt = `
{%- if add_generation_prompt %}
  {{- '<|im_start|>assistant\\n' }}
  {%- if enable_thinking is defined and enable_thinking is false %}
    {{- '<think>\\n\\n</think>\\n\\n' }}
  {%- endif %}
{%- endif %}`;

/** The Jinja source stored as tokenizer.chat_template. */
export const qwenChatTemplate = `${systemTurn.trim()}
{%- for message in messages %}
  {%- if message.role == 'system' and loop.first %}
  {%- elif message.role == 'assistant' %}${assistantTurn}
  {%- elif message.role == 'tool' %}${toolTurn}
  {%- else %}
    {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}
  {%- endif %}
{%- endfor %}${generationPrompt}
`;
