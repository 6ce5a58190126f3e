import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveModelFile } from 'node-llama-cpp';
import { ConfigError } from '../../config/config-error.js';
import { DownloadProgress } from './download-progress.js';
import { fileMagic } from './file-magic.js';
import { StallWatch } from './stall-watch.js';
import { networkErrorCode } from '../../util/network-error-code.js';

/** Where download progress goes: a live bar on a terminal, plain lines anywhere else. */
export interface DownloadReporter {
  tty: boolean;
  writeLine: (line: string) => void;
}

const remote = /^(?:hf:|huggingface:|https?:\/\/)/i;

/** An http(s) URL, rather than an `hf:` URI. */
function isUrl(model: string): boolean {
  return /^https?:/i.test(model);
}

/**
 * How long a download may receive nothing before it is given up (the partial file stays, so
 * the next start resumes it). `FERRY_DOWNLOAD_STALL_SECONDS` overrides it.
 */
export function downloadStallMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.FERRY_DOWNLOAD_STALL_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 60_000;
}

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
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(model) && !remote.test(model))
    throw new ConfigError(
      `--model: ${model} is neither a local path nor a source Ferry downloads from (hf:owner/repo[:quant], http:// or https://)`,
    );
  if (!remote.test(model)) return resolve(model);
  const cached = await findCached(model, cacheDir);
  if (cached !== undefined) return cached;
  await probeSource(model);
  const name = displayName(model);
  const progress =
    reporter === undefined || reporter.tty
      ? undefined
      : new DownloadProgress(name, reporter.writeLine);
  const stallMs = downloadStallMs();
  const stall = new StallWatch(stallMs, (idleMs) => {
    if (reporter !== undefined && !reporter.tty)
      reporter.writeLine(`downloading ${name}: no data for ${Math.round(idleMs / 1000)} s`);
  });
  try {
    const path = await resolveModelFile(model, {
      directory: isUrl(model) ? urlDirectory(cacheDir, model) : cacheDir,
      cli: reporter?.tty ?? false,
      deleteTempFileOnCancel: false,
      signal: stall.signal,
      onProgress: (status) => {
        stall.progress(status.downloadedSize);
        progress?.update(status);
      },
    });
    progress?.finish();
    discardIfNotGguf(path, model);
    return path;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const reason = stall.signal.aborted
      ? `no data for ${Math.round(stallMs / 1000)} s; the next start resumes it`
      : describe(error);
    throw new ConfigError(
      `--model: cannot download ${model} (${reason}); pass a local path to a .gguf file`,
    );
  } finally {
    stall.stop();
  }
}

/**
 * A server that answered with something else (a login page, an error page) left a file that
 * would be found again on every start: it is removed, and the error says what came.
 */
function discardIfNotGguf(path: string, model: string): void {
  const magic = fileMagic(path);
  if (magic === 'GGUF') return;
  rmSync(path, { force: true });
  throw new ConfigError(
    `--model: ${model} did not download a GGUF file (it starts with ${JSON.stringify(magic)}; removed from the cache); check the URL`,
  );
}

/**
 * A finished download of `model` in the cache, found without the network: the library knows
 * the file names of `hf:` URIs; a URL's file is the one in the URL's own directory.
 */
async function findCached(model: string, cacheDir: string): Promise<string | undefined> {
  if (isUrl(model)) {
    const dir = urlDirectory(cacheDir, model);
    if (!existsSync(dir)) return undefined;
    const names = readdirSync(dir).sort();
    const done = names.find((name) => !name.endsWith('.ipull') && !names.includes(`${name}.ipull`));
    return done === undefined ? undefined : join(dir, done);
  }
  return resolveModelFile(model, { directory: cacheDir, download: false, cli: false }).catch(
    () => undefined,
  );
}

/**
 * Where a URL's download goes: a directory of its own under `urls/`, named by the host and a
 * hash of the whole URL. Two URLs ending in the same file name never share a file, and a file
 * the server names otherwise (Content-Disposition) is found again offline.
 */
function urlDirectory(cacheDir: string, url: string): string {
  const { hostname, port } = new URL(url);
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 16);
  return join(cacheDir, 'urls', port === '' ? hostname : `${hostname}_${port}`, hash);
}

/** `https://host/path/model.gguf` → `model.gguf`; `hf:` URIs as given. */
function displayName(model: string): string {
  if (!isUrl(model)) return model;
  return decodeURIComponent(new URL(model).pathname.split('/').pop() ?? model);
}

/**
 * The downloader retries a failing connection for minutes (good for a flaky network mid-download,
 * bad for a start-up that can never work): a source that does not answer at all fails at once.
 * For `hf:` models that is the Hugging Face endpoint (`HF_ENDPOINT`, as node-llama-cpp reads
 * it): any answer from it will do, the downloader says what is missing there.
 */
async function probeSource(model: string): Promise<void> {
  const url = isUrl(model) ? model : (process.env.HF_ENDPOINT ?? 'https://huggingface.co/');
  let response: Response;
  try {
    response = await fetch(url, {
      ...(url === model ? { headers: { range: 'bytes=0-3' } } : { method: 'HEAD' }),
      redirect: 'follow',
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new ConfigError(
      `--model: cannot download ${model} (${describe(error)}); pass a local path to a .gguf file`,
    );
  }
  await response.body?.cancel();
  if (url === model && response.status >= 400) {
    throw new ConfigError(
      `--model: cannot download ${model} (HTTP ${response.status}); pass a local path to a .gguf file`,
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
