import type { ParseArgsConfig } from 'node:util';
import { defaultModel } from '../config/default-model.js';

/** `ferry serve` flags, vLLM-style names; each maps to a config key of the same meaning. */
export const serveFlags = {
  host: { type: 'string' },
  port: { type: 'string' },
  upstream: { type: 'string' },
  'upstream-api-key': { type: 'string' },
  'served-model-name': { type: 'string', multiple: true },
  'api-key': { type: 'string' },
  'cors-origin': { type: 'string', multiple: true },
  config: { type: 'string' },
  'log-level': { type: 'string' },
  'tool-call-parser': { type: 'string' },
  'reasoning-parser': { type: 'string' },
  model: { type: 'string' },
  'ctx-size': { type: 'string' },
  threads: { type: 'string' },
  'gpu-layers': { type: 'string' },
  'flash-attn': { type: 'string' },
  'batch-size': { type: 'string' },
  parallel: { type: 'string' },
  'chat-template': { type: 'string' },
  'model-cache-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** Config key → the flag that sets it, so errors name what the user typed. */
export const flagForConfigKey: Record<string, string> = {
  host: '--host',
  port: '--port',
  upstream: '--upstream',
  upstreamApiKey: '--upstream-api-key',
  servedModelNames: '--served-model-name',
  apiKey: '--api-key',
  corsOrigins: '--cors-origin',
  logLevel: '--log-level',
  toolCallParser: '--tool-call-parser',
  reasoningParser: '--reasoning-parser',
  model: '--model',
  ctxSize: '--ctx-size',
  threads: '--threads',
  gpuLayers: '--gpu-layers',
  flashAttention: '--flash-attn',
  batchSize: '--batch-size',
  parallel: '--parallel',
  chatTemplate: '--chat-template',
  modelCacheDir: '--model-cache-dir',
};

export const serveUsage = `Usage: ferry serve [options]

Serve the Anthropic Messages API (/v1/messages, /v1/messages/count_tokens, /v1/models)
with tokens from an OpenAI-compatible server (vLLM, SGLang, llama-server, Ollama, LM Studio)
or from a GGUF model Ferry runs itself (llama.cpp, in-process).

Options:
  --upstream URL            OpenAI-compatible base URL, with or without /v1
                            (e.g. http://127.0.0.1:8001/v1); user:password@ in it is sent as
                            HTTP Basic auth
  --upstream-api-key KEY    key sent to the upstream as Authorization: Bearer
  --model PATH|URI          run a GGUF model in-process: a file, hf:owner/repo[:quant] or an
                            https URL (downloaded once). With neither --upstream nor --model:
                            ${defaultModel}
  --served-model-name NAME  model name to serve (repeatable); default: the upstream's /v1/models,
                            or the GGUF file's name
  --ctx-size N              embedded: tokens per sequence (default: the model's, at most 32768)
  --threads N               embedded: CPU threads (default: half the logical cores)
  --gpu-layers N|auto|max   embedded: layers on the GPU (default auto; 0 = CPU only)
  --flash-attn auto|on|off  embedded: llama.cpp's flash attention (default auto: llama.cpp's
                            choice); see docs/embedded-engine.md
  --batch-size N            embedded: prompt tokens per llama.cpp batch (default 256 on the CPU,
                            512 with GPU layers)
  --parallel N              embedded: requests generated at once (default 2)
  --chat-template FILE      embedded: Jinja chat template instead of the GGUF's own
  --model-cache-dir DIR     embedded: where downloaded models go (default ~/.cache/ferry/models)
  --host HOST               interface to bind (default 127.0.0.1)
  --port PORT               port to listen on (default 8000)
  --api-key KEY             require clients to send this key (x-api-key or Authorization: Bearer)
  --cors-origin ORIGIN      let web pages from ORIGIN (e.g. http://localhost:5173, or *) call
                            Ferry from a browser (repeatable); default: none
  --config FILE             YAML file with the same settings (flags win); see docs/configuration.md
  --log-level LEVEL         fatal, error, warn, info (default), debug, trace or silent
  --tool-call-parser NAME   parse tool calls from raw model text (vLLM names: hermes,
                            qwen3_coder, llama3_json, mistral, pythonic, deepseek_v3,
                            deepseek_v31, kimi_k2, glm45, minimax_m2, seed_oss, openai; aliases
                            llama4_json, llama4_pythonic, qwen3_xml, mimo, glm47; auto or none)
  --reasoning-parser NAME   parse reasoning from raw model text (deepseek_r1, deepseek_v3, qwen3,
                            glm45, kimi_k2, minimax_m2, mistral, seed_oss, openai_gptoss;
                            aliases glm47, mimo, minimax_m2_append_think; auto or none);
                            see docs/parsers.md
  --version                 print Ferry's version
  -h, --help                show this help
`;
