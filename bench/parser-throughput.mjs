// Raw-text parser throughput: MB/s of model text per format on one core, pushed in 1–8 character
// pieces like a token stream. Run `npm run build` first; this reads the compiled parsers in dist/.
//   node bench/parser-throughput.mjs [megabytes per format, default 4]
import { toolCallParsers } from '../dist/parsers/tool-call-parsers.js';
import { reasoningParsers } from '../dist/parsers/reasoning-parsers.js';

const targetBytes = Number(process.argv[2] ?? 4) * 1e6;

const prose =
  'I looked at the repository layout first. The failing test imports `parseConfig` from the ' +
  'wrong module, so I will read the file, fix the import and run the tests again — 速い修正 ✅.\n\n';
const content =
  'export function add(a: number, b: number): number {\n  return a + b; // "quoted" {braces}\n}\n';
const args = { path: 'src/math/add.ts', content, mode: 420, overwrite: true };
const json = JSON.stringify(args);
const xmlParams = (open, close) =>
  Object.entries(args)
    .map(([k, v]) => open(k) + String(v) + close)
    .join('\n');

/** One realistic reply per tool-call format: prose, a call, prose. */
const replies = {
  hermes: `<tool_call>\n{"name": "write_file", "arguments": ${json}}\n</tool_call>`,
  qwen3_coder: `<tool_call>\n<function=write_file>\n${xmlParams((k) => `<parameter=${k}>\n`, '\n</parameter>')}\n</function>\n</tool_call>`,
  llama3_json: `<|python_tag|>{"name": "write_file", "parameters": ${json}}`,
  mistral: `[TOOL_CALLS]write_file[ARGS]${json}`,
  pythonic: `<|python_start|>[write_file(path="src/math/add.ts", content=${JSON.stringify(content)}, mode=420, overwrite=True)]<|python_end|>`,
  deepseek_v3: `<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>write_file\n\`\`\`json\n${json}\n\`\`\`<｜tool▁call▁end｜><｜tool▁calls▁end｜>`,
  deepseek_v31: `<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>write_file<｜tool▁sep｜>${json}<｜tool▁call▁end｜><｜tool▁calls▁end｜>`,
  kimi_k2: `<|tool_calls_section_begin|><|tool_call_begin|>functions.write_file:0<|tool_call_argument_begin|>${json}<|tool_call_end|><|tool_calls_section_end|>`,
  glm45: `<tool_call>write_file\n${xmlParams((k) => `<arg_key>${k}</arg_key>\n<arg_value>`, '</arg_value>')}\n</tool_call>`,
  seed_oss: `<seed:tool_call>\n<function=write_file>\n${xmlParams((k) => `<parameter=${k}>`, '</parameter>')}\n</function>\n</seed:tool_call>`,
  minimax_m2: `<minimax:tool_call>\n<invoke name="write_file">\n${xmlParams((k) => `<parameter name="${k}">`, '</parameter>')}\n</invoke>\n</minimax:tool_call>`,
  openai: `<|channel|>analysis<|message|>${prose}<|end|><|start|>assistant<|channel|>commentary to=functions.write_file <|constrain|>json<|message|>${json}<|call|>`,
};

// A write_file call whose content quotes the format's own tags (an agent writing docs about
// them): the parser looks past the quoted close tag for the whole rest of the value.
const quoting = `Calls look like <tool_call>{"name": "f"}</tool_call> and <parameter=x>1</parameter>.\n${content.repeat(40)}`;
const quotingArgs = { path: 'docs/calls.md', content: quoting };
const quotingReplies = {
  hermes: `<tool_call>\n{"name": "write_file", "arguments": ${JSON.stringify(quotingArgs)}}\n</tool_call>`,
  qwen3_coder: `<tool_call>\n<function=write_file>\n<parameter=path>\ndocs/calls.md\n</parameter>\n<parameter=content>\n${quoting}\n</parameter>\n</function>\n</tool_call>`,
  glm45: `<tool_call>write_file\n<arg_key>path</arg_key>\n<arg_value>docs/calls.md</arg_value>\n<arg_key>content</arg_key>\n<arg_value>${quoting.replace('</parameter>', '</arg_value>')}</arg_value>\n</tool_call>`,
};

const thinking = `${prose}${prose}`;
const reasoningReplies = {
  deepseek_r1: `${thinking}</think>\n\n${prose}`,
  qwen3: `<think>\n${thinking}</think>\n\n${prose}`,
  glm45: `<think>${thinking}</think>\n${prose}`,
  minimax_m2: `${thinking}</think>\n\n${prose}`,
  kimi_k2: `<think>${thinking}</think>${prose}`,
  mistral: `[THINK]${thinking}[/THINK]${prose}`,
  seed_oss: `<seed:think>${thinking}</seed:think>${prose}`,
  deepseek_v3: `${thinking}</think>${prose}`,
  openai_gptoss: `<|channel|>analysis<|message|>${thinking}<|end|><|start|>assistant<|channel|>final<|message|>${prose}<|return|>`,
};

const toolSchemas = new Map([
  [
    'write_file',
    {
      type: 'object',
      properties: {
        path: { type: 'string' },
        content: { type: 'string' },
        mode: { type: 'integer' },
        overwrite: { type: 'boolean' },
      },
    },
  ],
]);

/** Seeded 1–8 character pieces (mulberry32), split before timing so only parsing is measured. */
function splitReply(text, seed) {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pieces = [];
  for (let i = 0; i < text.length;) {
    const length = 1 + Math.floor(random() * 8);
    pieces.push(text.slice(i, i + length));
    i += length;
  }
  return pieces;
}

function measure(factory, replyText) {
  const bytesPerReply = Buffer.byteLength(replyText);
  const replies = Math.ceil(targetBytes / bytesPerReply);
  const streams = Array.from({ length: 16 }, (_, seed) => splitReply(replyText, seed + 1));
  const run = () => {
    let parts = 0;
    for (let r = 0; r < replies; r++) {
      const parser = factory({ toolSchemas, thinkingRequested: true });
      for (const piece of streams[r % streams.length]) parts += parser.push(piece).length;
      parts += parser.finish().length;
    }
    return parts;
  };
  run(); // warm-up: let the JIT settle
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return (replies * bytesPerReply) / 1e6 / best;
}

/** Each format once: a name the workload lacks is one of vLLM's aliases of another. */
function report(title, factories, workload) {
  console.log(`\n${title} (${targetBytes / 1e6} MB each, 1–8 character pieces)`);
  for (const [name, factory] of factories) {
    const reply = workload[name];
    if (reply === undefined) continue;
    const text = reply.includes('<|channel|>') ? reply : `${prose}${reply}\n${prose}`;
    console.log(`${name.padEnd(14)} ${measure(factory, text).toFixed(1).padStart(7)} MB/s`);
  }
}

console.log(`node ${process.version}, ${process.arch}`);
report('Tool-call parsers: prose, a write_file call, prose', toolCallParsers, replies);
report('Reasoning parsers: reasoning, then an answer', reasoningParsers, reasoningReplies);
report('Tool-call parsers: a call whose value quotes the format\'s own tags', toolCallParsers, quotingReplies);
