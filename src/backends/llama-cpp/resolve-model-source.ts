import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveModelFile } from 'node-llama-cpp';
import { ConfigError } from '../../config/config-error.js';
import { DownloadProgress } from './download-progress.js';
import { networkErrorCode } from '../../util/network-error-code.js';

/** Where download progress goes: a live bar on a terminal, plain lines anywhere else. */
export interface DownloadReporter {
  tty: boolean;
  writeLine: (line: string) => void;
}

const remote = /^(?:hf:|huggingface:|https?:\/\/)/i;

/**
 * `--model` as a local file path. Remote models (`hf:owner/repo[:quant]`, URLs) are downloaded
 * once into `cacheDir` by node-llama-cpp's downloader, which resumes an interrupted download
 * from its partial file and finds the finished one on later runs without asking the network.
 */
export async function resolveModelSource(
  model: string,
  cacheDir: string,
  reporter?: DownloadReporter,
): Promise<string> {
  if (!remote.test(model)) return resolve(model);
  const cached = await findCached(model, cacheDir);
  if (cached !== undefined) return cached;
  if (/^https?:/i.test(model)) await probeUrl(model);
  const progress =
    reporter === undefined || reporter.tty
      ? undefined
      : new DownloadProgress(displayName(model), reporter.writeLine);
  try {
    const path = await resolveModelFile(model, {
      directory: cacheDir,
      cli: reporter?.tty ?? false,
      deleteTempFileOnCancel: false,
      ...(progress === undefined ? {} : { onProgress: progress.update }),
    });
    progress?.finish();
    return path;
  } catch (error) {
    throw new ConfigError(
      `--model: cannot download ${model} (${describe(error)}); pass a local path to a .gguf file`,
    );
  }
}

/**
 * A finished download of `model` in the cache, found without the network: the library knows
 * the file names of `hf:` URIs; a URL's file is named after its last path segment.
 */
async function findCached(model: string, cacheDir: string): Promise<string | undefined> {
  if (/^https?:/i.test(model)) {
    const file = join(cacheDir, displayName(model));
    return existsSync(file) && !existsSync(`${file}.ipull`) ? file : undefined;
  }
  return resolveModelFile(model, { directory: cacheDir, download: false, cli: false }).catch(
    () => undefined,
  );
}

/** `https://host/path/model.gguf` → `model.gguf`; `hf:` URIs as given. */
function displayName(model: string): string {
  if (!/^https?:/i.test(model)) return model;
  return decodeURIComponent(new URL(model).pathname.split('/').pop() ?? model);
}

/**
 * The downloader retries a failing connection for minutes (good for a flaky network mid-download,
 * bad for a start-up that can never work): a URL that does not answer at all fails at once.
 */
async function probeUrl(url: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { range: 'bytes=0-3' },
      redirect: 'follow',
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new ConfigError(
      `--model: cannot download ${url} (${describe(error)}); pass a local path to a .gguf file`,
    );
  }
  await response.body?.cancel();
  if (response.status >= 400) {
    throw new ConfigError(
      `--model: cannot download ${url} (HTTP ${response.status}); pass a local path to a .gguf file`,
    );
  }
}

function describe(error: unknown): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return 'no answer in 15 s';
  const code = networkErrorCode(error);
  if (code !== undefined && /^E[A-Z]+$/.test(code)) return `network: ${code}`;
  const record = error as { cause?: { message?: unknown }; message?: unknown } | null;
  if (record === null || typeof record !== 'object') return String(error);
  const cause = record.cause?.message;
  if (typeof cause === 'string') return cause;
  return typeof record.message === 'string' ? record.message : String(error);
}
