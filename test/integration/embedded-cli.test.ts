import { spawn } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { killAllFerries, startFerryProcess } from '../reliability/helpers/start-ferry-process.js';
import { makeTempDir } from '../helpers/make-temp-dir.js';
import { tinyGgufPath } from '../helpers/tiny-gguf/write-tiny-gguf.js';

// `ferry serve --model …` as a user runs it: the built CLI in its own process. Each test
// starts processes that load a model, so each has a deadline generous for a loaded machine.

const cli = fileURLToPath(new URL('../../dist/bundle/main.js', import.meta.url));
const engineFlags = ['--threads', '1', '--ctx-size', '1024', '--gpu-layers', '0'];

/** Serves one file over HTTP with ranges; the first full download stalls halfway. */
function startModelServer(
  bytes: Buffer,
): Promise<{ server: Server; url: string; ranges: string[]; stalledAt: () => number }> {
  const ranges: string[] = [];
  let stalled = false;
  let stalledAt = 0;
  const server = createServer((request, response) => {
    if (request.url !== '/models/tiny-model.gguf') {
      response.writeHead(404).end();
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    ranges.push(request.headers.range ?? 'none');
    const start = range === null ? 0 : Number(range[1]);
    const end = range === null || range[2] === '' ? bytes.length - 1 : Number(range[2]);
    response.writeHead(range === null ? 200 : 206, {
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
      'content-length': String(end - start + 1),
      ...(range === null ? {} : { 'content-range': `bytes ${start}-${end}/${bytes.length}` }),
    });
    const body = bytes.subarray(start, end + 1);
    if (!stalled && range !== null && body.length > 1024) {
      stalled = true; // the network goes quiet halfway; the user gives up and restarts
      response.write(body.subarray(0, Math.floor(body.length / 2)), () => {
        stalledAt = Date.now();
      });
      return;
    }
    response.end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        server,
        url: `http://127.0.0.1:${port}/models/tiny-model.gguf`,
        ranges,
        stalledAt: () => stalledAt,
      });
    }),
  );
}

/** Files under `dir`, as paths relative to it. */
function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/** Runs `ferry serve` until `until` holds, then kills it as a user's Ctrl-C would. */
async function interruptedRun(args: string[], until: () => boolean): Promise<void> {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', ...args], {
    stdio: 'ignore',
  });
  try {
    const deadline = Date.now() + 30_000;
    while (!until()) {
      if (Date.now() > deadline) throw new Error('the interrupted download never started');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

describe('ferry serve --model', () => {
  let modelPath: string;

  beforeAll(async () => {
    modelPath = await tinyGgufPath();
  });
  afterAll(() => killAllFerries());

  test('a local GGUF: serves it under its file name, answers the SDK, exits 0 on SIGTERM', async () => {
    const ferry = await startFerryProcess({ args: ['--model', modelPath, ...engineFlags] });
    const client = new Anthropic({ baseURL: ferry.url, apiKey: 'k', maxRetries: 0 });
    const models = await client.models.list();
    expect(models.data[0]?.id).toMatch(/^tiny-llama-/);
    const message = await client.messages.create({
      model: 'claude-opus-5-5',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    await ferry.waitForLog(/embedded engine ready/, 1000);
    // CPU only: the smaller default batch (--batch-size).
    expect(ferry.logs.find((line) => line.includes('embedded engine ready'))).toContain(
      '"batchSize":256',
    );
    expect(await ferry.stop('SIGTERM')).toBe(0);
  }, 90_000);

  test('an http(s) URL downloads into the cache, resumes after an interruption, then starts offline', async () => {
    // Padded past the downloader's write buffer, so half a download reaches the disk.
    const bytes = Buffer.concat([readFileSync(modelPath), Buffer.alloc(24 * 1024 * 1024)]);
    const { server, url, ranges, stalledAt } = await startModelServer(bytes);
    const cacheDir = makeTempDir('model-cache');
    const args = ['--model', url, '--model-cache-dir', cacheDir, ...engineFlags];
    try {
      // Half the file arrived and had time to reach the disk; then the user gives up.
      await interruptedRun(args, () => stalledAt() > 0 && Date.now() - stalledAt() > 1000);
      // Each URL downloads into a directory of its own (its host, a hash of the URL).
      expect(filesIn(cacheDir)).toEqual([
        expect.stringMatching(/^urls\/127\.0\.0\.1_\d+\/[0-9a-f]{16}\/tiny-model\.gguf\.ipull$/),
      ]);
      const ferry = await startFerryProcess({ args, startTimeoutMs: 60_000 });
      // Not a terminal: plain progress lines, not a bar.
      expect(ferry.logs.some((line) => line.includes('downloading tiny-model.gguf'))).toBe(true);
      const resumedFrom = ranges
        .map((range) => /^bytes=(\d+)-\d*$/.exec(range)?.[1])
        .filter(Boolean);
      expect(resumedFrom.map(Number).some((offset) => offset > 0)).toBe(true);
      const client = new Anthropic({ baseURL: ferry.url, apiKey: 'k', maxRetries: 0 });
      expect((await client.models.list()).data[0]?.id).toBe('tiny-model');
      expect(await ferry.stop('SIGTERM')).toBe(0);
      const [downloaded] = filesIn(cacheDir);
      expect(downloaded).toMatch(/\/tiny-model\.gguf$/);
      expect(readFileSync(join(cacheDir, downloaded!)).equals(bytes)).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    // The server is gone: the cached file is used without asking the network.
    const offline = await startFerryProcess({ args });
    expect(await offline.stop('SIGTERM')).toBe(0);
    // Another URL ending in the same file name is not that file.
    const other = url.replace('/models/', '/other/');
    await expect(
      startFerryProcess({ args: ['--model', other, '--model-cache-dir', cacheDir] }),
    ).rejects.toThrow(
      /--model: cannot download http:\S+\/other\/tiny-model\.gguf \(network: ECONNREFUSED\)/,
    );
  }, 90_000);

  test('downloads that cannot work fail clearly: a stalled server, Hugging Face unreachable, a page that is no GGUF', async () => {
    const server = createServer((request, response) => {
      if (request.url === '/html/login.gguf') {
        response.writeHead(200, { 'content-type': 'text/html' }).end('<html>sign in</html>');
        return;
      }
      // Answers every request with its first 64 KB, then nothing more, never closing.
      response.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(32 * 1024 * 1024),
      });
      response.write(Buffer.alloc(64 * 1024));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cacheDir = makeTempDir('model-cache');
    const saved = { ...process.env };
    try {
      process.env.FERRY_DOWNLOAD_STALL_SECONDS = '2';
      const started = Date.now();
      await expect(
        startFerryProcess({
          args: ['--model', `${origin}/stalls.gguf`, '--model-cache-dir', cacheDir],
        }),
      ).rejects.toThrow(
        /--model: cannot download http:\/\/127\.0\.0\.1:\d+\/stalls\.gguf \(no data for 2 s; the next start resumes it\)/,
      );
      expect(Date.now() - started).toBeLessThan(20_000);
      // An hf: file name is not looked up before the download: the endpoint is probed first.
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const closedPort = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      process.env.HF_ENDPOINT = `http://127.0.0.1:${closedPort}/`;
      await expect(
        startFerryProcess({
          args: ['--model', 'hf:Owner/Repo-GGUF/model-q8_0.gguf', '--model-cache-dir', cacheDir],
        }),
      ).rejects.toThrow(
        /--model: cannot download hf:Owner\/Repo-GGUF\/model-q8_0\.gguf \(network: ECONNREFUSED\)/,
      );
      delete process.env.HF_ENDPOINT; // node-llama-cpp would take 127.0.0.1 URLs for its own
      await expect(
        startFerryProcess({
          args: ['--model', `${origin}/html/login.gguf`, '--model-cache-dir', cacheDir],
        }),
      ).rejects.toThrow(
        /--model: \S+login\.gguf did not download a GGUF file .*removed from the cache/,
      );
      expect(readdirSync(cacheDir)).not.toContain('login.gguf');
    } finally {
      process.env = saved;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 90_000);

  test('a directory, or a URL of a scheme Ferry does not download, as --model says which', async () => {
    const dir = makeTempDir('models');
    await expect(startFerryProcess({ args: ['--model', dir] })).rejects.toThrow(
      `--model: ${dir} is a directory; pass the .gguf file in it`,
    );
    await expect(
      startFerryProcess({ args: ['--model', 'ftp://example.com/model.gguf'] }),
    ).rejects.toThrow(
      '--model: ftp://example.com/model.gguf is neither a local path nor a source Ferry downloads from',
    );
  }, 30_000);

  test('with neither --upstream nor --model: the documented default model, from the cache', async () => {
    const cacheDir = makeTempDir('model-cache');
    // The file name node-llama-cpp gives hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q4_K_M.
    copyFileSync(modelPath, join(cacheDir, 'hf_Qwen_Qwen2.5-Coder-1.5B-Instruct.Q4_K_M.gguf'));
    const ferry = await startFerryProcess({
      args: ['--model-cache-dir', cacheDir, ...engineFlags],
    });
    await ferry.waitForLog(
      /running the default model hf:Qwen\/Qwen2\.5-Coder-1\.5B-Instruct-GGUF:Q4_K_M/,
      1000,
    );
    const client = new Anthropic({ baseURL: ferry.url, apiKey: 'k', maxRetries: 0 });
    expect((await client.models.list()).data.map((model) => model.id)).toEqual([
      'Qwen/Qwen2.5-Coder-1.5B-Instruct',
    ]);
    expect(await ferry.stop('SIGTERM')).toBe(0);
  }, 90_000);

  test('with neither flag and the default model out of reach: the error names it and both ways out', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const saved = { ...process.env };
    try {
      process.env.HF_ENDPOINT = `http://127.0.0.1:${closedPort}/`;
      await expect(
        startFerryProcess({ args: ['--model-cache-dir', makeTempDir('model-cache')] }),
      ).rejects.toThrow(
        'the default model: cannot download hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q4_K_M (network: ECONNREFUSED); pass a local path to a .gguf file with --model, or a model server with --upstream URL',
      );
    } finally {
      process.env = saved;
    }
  }, 30_000);

  test('a GGUF of an unknown architecture and a context too big for memory stop start-up clearly', async () => {
    const bytes = readFileSync(modelPath);
    const at = bytes.indexOf('llama', bytes.indexOf('general.architecture') + 20);
    const unknown = Buffer.concat([
      bytes.subarray(0, at),
      Buffer.from('llamb'),
      bytes.subarray(at + 5),
    ]);
    const file = join(makeTempDir('bad-model'), 'other.gguf');
    writeFileSync(file, unknown);
    await expect(startFerryProcess({ args: ['--model', file, ...engineFlags] })).rejects.toThrow(
      /--model: llama\.cpp cannot load other\.gguf: unsupported architecture "llamb"/,
    );
    // A download cut short: llama.cpp's own finding is named, not a guess at the architecture.
    const cut = join(makeTempDir('cut-model'), 'cut.gguf');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(startFerryProcess({ args: ['--model', cut, ...engineFlags] })).rejects.toThrow(
      /--model: llama\.cpp cannot load cut\.gguf: the file is incomplete .*not within the file bounds/,
    );
    await expect(
      startFerryProcess({
        args: [
          '--model',
          modelPath,
          '--threads',
          '1',
          '--gpu-layers',
          '0',
          '--ctx-size',
          '900000000',
        ],
        startTimeoutMs: 60_000,
      }),
    ).rejects.toThrow(/--model: not enough memory for a 900000000-token context × 2 sequences/);
  }, 90_000);

  test('--chat-template overrides the GGUF template; a bad one stops start-up naming the flag', async () => {
    const dir = makeTempDir('template');
    const broken = join(dir, 'broken.jinja');
    writeFileSync(broken, '{% for message in messages %}{{ message.content }');
    await expect(
      startFerryProcess({
        args: ['--model', modelPath, '--chat-template', broken, ...engineFlags],
      }),
    ).rejects.toThrow(/--chat-template: the chat template does not parse/);
    const plain = join(dir, 'plain.jinja');
    writeFileSync(
      plain,
      '{% for message in messages %}{{ message.role }}: {{ message.content }}\n{% endfor %}assistant:',
    );
    const ferry = await startFerryProcess({
      args: ['--model', modelPath, '--chat-template', plain, ...engineFlags],
    });
    const client = new Anthropic({ baseURL: ferry.url, apiKey: 'k', maxRetries: 0 });
    const plainCount = await client.messages.countTokens({
      model: 'claude-opus-5-5',
      messages: [{ role: 'user', content: 'hello' }],
    });
    // "user: hello\nassistant:" is far shorter than the ChatML rendering with its markers.
    expect(plainCount.input_tokens).toBeLessThan(12);
    // A template that cannot render tools: Ferry describes them in the prompt (and says so at
    // start), so they count, and a forced call still comes back whole in the hermes format.
    expect(ferry.logs.some((line) => line.includes('never mentions `tools`'))).toBe(true);
    const tools: Anthropic.Tool[] = [
      {
        name: 'Read',
        input_schema: {
          type: 'object',
          properties: { path: { type: 'string', maxLength: 20 } },
          required: ['path'],
        },
      },
    ];
    const withTools = await client.messages.countTokens({
      model: 'claude-opus-5-5',
      tools,
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(withTools.input_tokens).toBeGreaterThan(plainCount.input_tokens + 20);
    const forced = await client.messages.create({
      model: 'claude-opus-5-5',
      max_tokens: 60,
      tools,
      tool_choice: { type: 'tool', name: 'Read' },
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(forced.stop_reason).toBe('tool_use');
    const chosen = ferry.logs.find((line) => line.includes('raw-text parsers chosen'));
    expect(chosen).toContain('"toolCallParser":"hermes"');
    expect(forced.content.find((block) => block.type === 'tool_use')).toMatchObject({
      name: 'Read',
      input: { path: expect.any(String) },
    });
    expect(await ferry.stop('SIGTERM')).toBe(0);
  }, 90_000);
});
