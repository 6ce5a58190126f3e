import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { basename } from 'node:path';
import {
  getLlama,
  InsufficientMemoryError,
  LlamaLogLevel,
  readGgufFileInfo,
  type Llama,
  type LlamaModel,
} from 'node-llama-cpp';
import { ConfigError } from '../../config/config-error.js';
import { LlamaCppBackend } from './llama-cpp-backend.js';
import { parseChatTemplate } from './render-chat-prompt.js';
import { fileMagic } from './file-magic.js';
import { describeFileError } from '../../util/describe-file-error.js';
import { resolveModelSource, type DownloadReporter } from './resolve-model-source.js';

// For the start-up log, from this chunk, which is loaded only when the engine is.
export { describeSamplingDefaults } from './model-sampling-defaults.js';

export interface EmbeddedEngineOptions {
  /** `--model`: a GGUF path, `hf:owner/repo[:quant]` or an https URL. */
  model: string;
  /** Names to serve the model under; default: the GGUF file's name. */
  servedModelNames?: readonly string[] | undefined;
  /** Tokens per sequence; default: the model's training context, at most 32768. */
  ctxSize?: number | undefined;
  /** Default: half the logical cores (the physical ones on most machines), at least 1. */
  threads?: number | undefined;
  /** Layers on the GPU: `auto` (default: as many as fit), `max`, or a number (0 = CPU only). */
  gpuLayers?: 'auto' | 'max' | number | undefined;
  /** llama.cpp's flash attention; `auto` (default) leaves the choice to llama.cpp. */
  flashAttention?: 'auto' | 'on' | 'off' | undefined;
  /** Prompt tokens per llama.cpp batch; default from `defaultBatchSize`. */
  batchSize?: number | undefined;
  /** Requests generated at once, each on its own sequence. Default 2. */
  parallel?: number | undefined;
  /** `--chat-template`: a Jinja file, or the template itself. Default: the GGUF's own. */
  chatTemplate?: string | undefined;
  /** Where downloaded models are kept. */
  cacheDir: string;
  download?: DownloadReporter | undefined;
  onLog?: ((level: 'warn' | 'error', message: string) => void) | undefined;
  onWarning?: ((message: string) => void) | undefined;
}

const defaultMaxContext = 32_768;

/**
 * Loads a GGUF model into the embedded engine and returns it as a Backend. Every failure a user
 * can cause (not a GGUF, an architecture llama.cpp does not know, too little memory, a model
 * without a chat template) is a ConfigError that says which.
 */
export async function loadEmbeddedBackend(
  options: EmbeddedEngineOptions,
): Promise<LlamaCppBackend> {
  const modelPath = await resolveModelSource(options.model, options.cacheDir, options.download);
  checkIsGguf(modelPath);
  const template = loadTemplate(options.chatTemplate);
  // llama.cpp's own words for a model it cannot load ("… not within the file bounds …").
  const llamaErrors: string[] = [];
  const llama = await getLlama({
    gpu: options.gpuLayers === 0 ? false : 'auto',
    build: 'never',
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => {
      const text = message.trim();
      if (text === '') return;
      if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) {
        llamaErrors.push(text);
        if (llamaErrors.length > 3) llamaErrors.shift();
        options.onLog?.('error', text);
      } else if (level === LlamaLogLevel.warn) options.onLog?.('warn', text);
    },
  });
  try {
    const model = await loadModel(llama, modelPath, options, llamaErrors);
    const chatTemplate = template ?? model.fileInfo.metadata.tokenizer?.chat_template;
    if (chatTemplate === undefined || chatTemplate === '') {
      throw new ConfigError(
        `--model: ${basename(modelPath)} has no chat template; pass one with --chat-template FILE`,
      );
    }
    checkTemplate(chatTemplate, template === undefined ? '--model' : '--chat-template');
    const contextSize = options.ctxSize ?? Math.min(model.trainContextSize, defaultMaxContext);
    const parallel = options.parallel ?? 2;
    const flashAttention = useFlashAttention(options.flashAttention);
    const batchSize = Math.min(
      options.batchSize ?? defaultBatchSize(model.gpuLayers),
      contextSize * parallel,
    );
    checkContextFits(model, { contextSize, sequences: parallel, batchSize, flashAttention });
    const context = await model
      .createContext({
        contextSize,
        sequences: parallel,
        batchSize,
        ...(flashAttention === undefined ? {} : { flashAttention }),
        threads: options.threads ?? defaultThreads(),
        ignoreMemorySafetyChecks: false,
      })
      .catch((error: unknown) => {
        throw memoryError(
          error,
          `a ${contextSize}-token context × ${parallel} sequences; lower --ctx-size or --parallel`,
        );
      });
    return new LlamaCppBackend({
      llama,
      model,
      context,
      servedModelNames: options.servedModelNames ?? [modelName(options.model, modelPath)],
      chatTemplate,
      ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
    });
  } catch (error) {
    // Bounded: the start-up error must reach the user even if the engine's clean-up stalls.
    await settleWithin(llama.dispose(), 5_000);
    throw error;
  }
}

/** Waits for `promise` to settle, either way, or `ms`, whichever comes first. */
function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    promise.then(done, done);
  });
}

/**
 * `--flash-attn`: `on` or `off`, or undefined for llama.cpp's own choice (`auto`: on where the
 * backend supports it, the CPU included). Measured on the CPU (node-llama-cpp 3.22, 3.4k-token
 * context, one thread), off made each later token 1.1–2.7× and a warm turn's first token 2–13×
 * faster, but the prefill of a long prompt 1.4–2× slower, and llama.cpp's scratch buffer grows
 * with batch × context (8k context: 9 → 85 MB and 22 → 157 MB on the test models), so auto stays.
 */
export function useFlashAttention(setting: 'auto' | 'on' | 'off' | undefined): boolean | undefined {
  return setting === 'on' ? true : setting === 'off' ? false : undefined;
}

/**
 * Prompt tokens per llama.cpp batch when `--batch-size` is not given. llama.cpp's scratch memory
 * (its compute buffer) grows with the batch. On the CPU a 4k-token prefill measured as fast at
 * 256 as at 512 (node-llama-cpp 3.22, one and two threads, both benchmark models; 128 was 5–10%
 * slower), with half that memory (9 → 4.5 MB and 21 → 10.5 MB); on a GPU, larger batches pay
 * and the buffer is in the GPU's memory, so node-llama-cpp's 512 stays.
 */
export function defaultBatchSize(gpuLayers: number): number {
  return gpuLayers === 0 ? 256 : 512;
}

/** Half the logical cores: llama.cpp is fastest on physical cores, and the server needs one. */
export function defaultThreads(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

/**
 * The name a model is served under by default: `owner/repo` for Hugging Face models (as vLLM
 * names them, without the `-GGUF` suffix of the repository), else the file name without
 * `.gguf`.
 */
export function modelName(source: string, modelPath: string): string {
  const hf = /^(?:hf|huggingface):([^/:\s]+)\/([^/:\s]+)/i.exec(source);
  if (hf !== null) return `${hf[1]}/${hf[2]!.replace(/-GGUF$/i, '')}`;
  return basename(modelPath).replace(/\.gguf$/i, '');
}

async function loadModel(
  llama: Llama,
  modelPath: string,
  options: EmbeddedEngineOptions,
  llamaErrors: readonly string[],
): Promise<LlamaModel> {
  try {
    return await llama.loadModel({
      modelPath,
      gpuLayers: options.gpuLayers ?? 'auto',
    });
  } catch (error) {
    if (error instanceof InsufficientMemoryError)
      throw memoryError(error, `the weights of ${basename(modelPath)}`);
    const architecture = await readArchitecture(modelPath); // also lets llama.cpp's log arrive
    const said = llamaErrors.join(' ');
    const what = /file bounds|incomplete|truncat/i.test(said)
      ? 'the file is incomplete (a download cut short?)'
      : architecture === undefined
        ? 'a damaged or unsupported GGUF'
        : `unsupported architecture "${architecture}" or a damaged file`;
    const detail = said === '' ? (error as Error).message : `llama.cpp: ${said}`;
    throw new ConfigError(
      `--model: llama.cpp cannot load ${basename(modelPath)}: ${what} (${detail})`,
    );
  }
}

/**
 * Refuses a context that plainly cannot fit before trying it: llama.cpp would first allocate
 * (and touch) as much as it can, slowly and at other programs' expense, and only then fail. The
 * library's quick estimate errs high, so only a context beyond twice the machine's memory is
 * refused here; llama.cpp's own failure covers the rest.
 */
function checkContextFits(
  model: LlamaModel,
  {
    contextSize,
    sequences,
    batchSize,
    flashAttention,
  }: {
    contextSize: number;
    sequences: number;
    batchSize: number;
    flashAttention: boolean | undefined;
  },
): void {
  const needs = model.fileInsights.estimateContextResourceRequirements({
    contextSize,
    sequences,
    batchSize,
    modelGpuLayers: model.gpuLayers,
    ...(flashAttention === undefined ? {} : { flashAttention }),
  });
  if (needs.cpuRam > 2 * totalmem()) {
    const gb = (bytes: number) => (bytes / 1e9).toFixed(1);
    throw new ConfigError(
      `--model: not enough memory for a ${contextSize}-token context × ${sequences} sequences ` +
        `(needs ~${gb(needs.cpuRam)} GB, the machine has ${gb(totalmem())} GB); lower --ctx-size or --parallel`,
    );
  }
}

function memoryError(error: unknown, what: string): unknown {
  if (!(error instanceof InsufficientMemoryError)) return error;
  return new ConfigError(`--model: not enough memory for ${what}`);
}

/** The GGUF's declared architecture, to name in an error; undefined if unreadable in 5 s. */
async function readArchitecture(modelPath: string): Promise<string | undefined> {
  let architecture: string | undefined;
  await settleWithin(
    readGgufFileInfo(modelPath, { readTensorInfo: false }).then((info) => {
      architecture = info.metadata.general.architecture;
    }),
    5_000,
  );
  return architecture;
}

function checkIsGguf(modelPath: string): void {
  if (!existsSync(modelPath)) throw new ConfigError(`--model: no such file: ${modelPath}`);
  if (statSync(modelPath).isDirectory())
    throw new ConfigError(`--model: ${modelPath} is a directory; pass the .gguf file in it`);
  if (readFileOrRefuse('--model', modelPath, fileMagic) !== 'GGUF')
    throw new ConfigError(`--model: ${basename(modelPath)} is not a GGUF file`);
}

function loadTemplate(option: string | undefined): string | undefined {
  if (option === undefined) return undefined;
  if (existsSync(option) && statSync(option).isFile())
    return readFileOrRefuse('--chat-template', option, (path) => readFileSync(path, 'utf8'));
  if (option.includes('{%') || option.includes('{{')) return option;
  throw new ConfigError(`--chat-template: ${option} is neither a file nor a Jinja template`);
}

/** `read(path)`, or the flag's error saying in words why the file cannot be read. */
function readFileOrRefuse<T>(flag: string, path: string, read: (path: string) => T): T {
  try {
    return read(path);
  } catch (error) {
    throw new ConfigError(`${flag}: cannot read ${path}: ${describeFileError(error)}`);
  }
}

function checkTemplate(source: string, flag: string): void {
  try {
    parseChatTemplate(source);
  } catch (error) {
    throw new ConfigError(`${flag}: the chat template does not parse: ${(error as Error).message}`);
  }
}
