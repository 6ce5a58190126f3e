import { execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { makeTempDir, removeTempDirs } from '../helpers/make-temp-dir.js';
import { startScriptedUpstream } from '../helpers/start-scripted-upstream.js';
import { killAllFerries, startFerryProcess } from '../reliability/helpers/start-ferry-process.js';
import { closedPort } from '../reliability/helpers/stalled-listener.js';
import {
  freePort,
  runFerryClaude,
  sandbox,
  type Sandbox,
} from '../e2e/helpers/run-ferry-claude.js';

const run = promisify(execFile);
const ferry = new URL('../../bin/ferry', import.meta.url).pathname;

async function ferryExit(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [ferry, ...args], {
      timeout: 10_000,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function configFile(text: string): string {
  const file = join(makeTempDir('config'), 'ferry.yaml');
  writeFileSync(file, text);
  return file;
}

afterAll(removeTempDirs);

describe('bin/ferry', () => {
  /** bin/ferry started as a command, once its server listens. */
  async function startBinFerry(env: NodeJS.ProcessEnv) {
    const child = spawn(ferry, ['serve', '--upstream', 'http://127.0.0.1:1', '--port', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env,
    });
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      child.stderr.on('data', (data: Buffer) => {
        seen += data.toString();
        if (seen.includes('listening on')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${seen}`)));
    });
    const environment = readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0');
    return { child, environment };
  }

  test.skipIf(process.platform !== 'linux')(
    'run as a command, it becomes Node itself (exec) with its start-up settings',
    async () => {
      const { MALLOC_ARENA_MAX: _unset, ...env } = process.env;
      const { child, environment } = await startBinFerry(env);
      try {
        // The process the caller started is the server: signals reach it, no shell in between.
        const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
        // (Its executable, not its name: Node 24 names its main thread `MainThread`.)
        expect(readlinkSync(`/proc/${child.pid}/exe`)).toBe(realpathSync(process.execPath));
        expect(argv.slice(1, 3)).toEqual(['--v8-pool-size=1', ferry]);
        expect(environment).toContain('MALLOC_ARENA_MAX=2');
      } finally {
        child.kill('SIGTERM');
      }
    },
  );

  test.skipIf(process.platform !== 'linux')(
    "a glibc arena limit the user set is the user's",
    async () => {
      const { child, environment } = await startBinFerry({ ...process.env, MALLOC_ARENA_MAX: '4' });
      try {
        expect(environment).toContain('MALLOC_ARENA_MAX=4');
        expect(environment).not.toContain('MALLOC_ARENA_MAX=2');
      } finally {
        child.kill('SIGTERM');
      }
    },
  );

  test.each([
    { args: ['--version'] },
    { args: ['serve', '--version'] },
    { args: ['claude', '--version'] },
  ])('$args prints the package version', async ({ args }) => {
    const { version } = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    const { code, stdout } = await ferryExit(args);
    expect({ code, stdout }).toEqual({ code: 0, stdout: `ferry ${version}\n` });
  });

  test('serve --help lists the flags', async () => {
    const { code, stdout } = await ferryExit(['serve', '--help']);
    expect(code).toBe(0);
    for (const flag of [
      '--upstream',
      '--port',
      '--host',
      '--api-key',
      '--served-model-name',
      '--config',
    ]) {
      expect(stdout).toContain(flag);
    }
  });

  test.each([
    [['serve', '--bogus'], "Unknown option '--bogus'"],
    [['serve', '--port', 'eighty'], '--port: expected a number'],
    [['serve', '--port', '70000', '--upstream', 'http://127.0.0.1:1'], '--port:'],
    [['serve', '--upstream', 'not a url'], '--upstream:'],
    [['serve', '--log-level', 'loud', '--upstream', 'http://127.0.0.1:1'], '--log-level:'],
    [
      [
        'serve',
        '--model',
        'http://127.0.0.1:2/models/tiny.gguf',
        '--model-cache-dir',
        makeTempDir('model-cache'),
      ],
      '--model: cannot download http://127.0.0.1:2/models/tiny.gguf',
    ],
    [
      ['serve', '--model', '/nonexistent/model.gguf'],
      '--model: no such file: /nonexistent/model.gguf',
    ],
    [['serve', '--model', fileURLToPath(import.meta.url)], 'is not a GGUF file'],
    [
      ['serve', '--model', 'm.gguf', '--upstream', 'http://127.0.0.1:1'],
      'give either --upstream or --model',
    ],
    [
      ['serve', '--model', 'm.gguf', '--ctx-size', 'big'],
      "--ctx-size: expected a positive whole number, got 'big'",
    ],
    [
      ['serve', '--model', 'm.gguf', '--gpu-layers', 'most'],
      '--gpu-layers: expected a number of layers',
    ],
    [
      ['serve', '--model', 'm.gguf', '--flash-attn', 'maybe'],
      "--flash-attn: expected auto, on or off, got 'maybe'",
    ],
    [['serve', '--model', 'm.gguf', '--parallel', '0'], '--parallel:'],
    [
      ['serve', '--model', 'm.gguf', '--batch-size', '0'],
      '--batch-size: expected at least 1, got 0',
    ],
    [['serve', '--model', 'm.gguf', '--threads', '-2'], '--threads'],
    [
      ['serve', '--config', '/nonexistent/ferry.yaml'],
      '--config: cannot read /nonexistent/ferry.yaml',
    ],
    [['launch'], "unknown command 'launch'"],
    [['serve', '--host', ''], '--host: expected a non-empty value'],
    [['serve', '--config', ''], '--config: expected a non-empty value'],
    [['serve', '--config', '/tmp'], '--config: cannot read /tmp: is a directory'],
    [
      ['serve', '--upstream', 'http://127.0.0.1:1/v1/chat/completions'],
      "--upstream: expected the server's base URL (http://127.0.0.1:1/v1), not an endpoint",
    ],
    [['serve', '--model', 'hf:bad'], '--model: expected hf:owner/repo[:quant]'],
    [
      ['serve', '--upstream', 'http://u:p@127.0.0.1:1/v1', '--upstream-api-key', 'k'],
      '--upstream-api-key: give either it or a user:password@ in --upstream, not both',
    ],
    [
      ['serve', '--upstream', 'http://127.0.0.1:1', '--tool-call-parser', 'nope'],
      '--tool-call-parser: Unknown tool-call parser "nope". Valid names: hermes',
    ],
    [
      ['serve', '--upstream', 'http://127.0.0.1:1', '--reasoning-parser', 'nope'],
      '--reasoning-parser: Unknown reasoning parser "nope". Valid names: deepseek_r1',
    ],
  ])('%j fails naming the problem', async (args, message) => {
    const { code, stderr } = await ferryExit(args);
    expect(code).not.toBe(0);
    expect(stderr).toContain(message);
  });

  test.each([
    [[], 2, 'ferry: no command given\n\nUsage: ferry <command>'],
    [['launch'], 2, "ferry: unknown command 'launch'"],
    [['serve', '--port', '70000'], 2, '--port: expected at most 65535'],
    // Options are checked before Claude Code is looked for.
    [['claude', '--port', '70000'], 2, '--port: expected at most 65535'],
    [['claude', 'fix', '--', '-p'], 2, "unexpected argument 'fix'"],
  ])('%j exits %i, on stderr', async (args, code, message) => {
    const run = await ferryExit(args, { FERRY_CLAUDE_PATH: '/nonexistent/claude' });
    expect(run).toMatchObject({ code, stdout: '' });
    expect(run.stderr).toContain(message);
  });

  test('a config file with both backends names its keys, not flags', async () => {
    const file = configFile('upstream: http://127.0.0.1:1/v1\nmodel: m.gguf\n');
    const { code, stderr } = await ferryExit(['serve', '--config', file]);
    expect({ code, stderr }).toEqual({
      code: 2,
      stderr: `ferry: ${file}: model: give either upstream or model, not both\n`,
    });
  });

  test('a config file error names the file and the key', async () => {
    const file = configFile('upstream: http://127.0.0.1:1/v1\naliases:\n  haiku: 7\nportt: 1\n');
    const { code, stderr } = await ferryExit(['serve', '--config', file]);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/ferry\.yaml: .*portt|ferry\.yaml: aliases\.haiku/);
  });
});

test('an alias, or parsers, for a model the upstream does not serve are warned about at start', async () => {
  const upstream = await startScriptedUpstream({ models: ['qwen3-coder'] });
  try {
    const started = await startFerryProcess({
      upstream: upstream.url,
      config: {
        aliases: { haiku: 'nosuch', 'claude-*': 'qwen3-coder' },
        modelParsers: { qwen3: { toolCallParser: 'hermes' }, 'qwen3-coder': {} },
      },
    });
    const warning = await started.waitForLog(/aliases: 'haiku' → 'nosuch'/, 10_000);
    expect(warning).toContain('which is not served (served: qwen3-coder)');
    const parsers = await started.waitForLog(/modelParsers: 'qwen3'/, 10_000);
    expect(parsers).toContain("'qwen3' is not served (served: qwen3-coder)");
    expect(started.logs.join('\n')).not.toContain("modelParsers: 'qwen3-coder'");
    expect(started.logs.join('\n')).not.toContain("'claude-*' → 'qwen3-coder', which is not");
    await started.stop('SIGTERM');
  } finally {
    killAllFerries();
    await upstream.close();
  }
});

test('a served name a two-model upstream does not know is warned about at start', async () => {
  const upstream = await startScriptedUpstream({ models: ['qwen3-coder', 'small'] });
  try {
    const started = await startFerryProcess({
      upstream: upstream.url,
      args: ['--served-model-name', 'qwen3-coder', '--served-model-name', 'alpha'],
    });
    const warning = await started.waitForLog(/--served-model-name alpha:/, 10_000);
    expect(warning).toContain(
      'the upstream serves no model of that name (it serves: qwen3-coder, small); requests for it will fail',
    );
    expect(started.logs.join('\n')).not.toContain('--served-model-name qwen3-coder:');
    await started.stop('SIGTERM');
  } finally {
    killAllFerries();
    await upstream.close();
  }
});

describe('ferry claude, with a stand-in for Claude Code', () => {
  /** A `claude` that writes its arguments to a file and exits 7. */
  function fakeClaude(box: Sandbox): {
    env: Record<string, string>;
    ran: () => string | undefined;
  } {
    const executable = join(box.home, 'claude');
    const record = join(box.home, 'claude-args');
    writeFileSync(executable, `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\nexit 7\n`);
    chmodSync(executable, 0o755);
    const ran = () => (existsSync(record) ? readFileSync(record, 'utf8') : undefined);
    return { env: { FERRY_CLAUDE_PATH: executable }, ran };
  }

  test('with served names, an upstream that is down stops it before Claude Code starts', async () => {
    const box = sandbox();
    const claude = fakeClaude(box);
    const upstream = `http://127.0.0.1:${await closedPort()}/v1`;
    const args = [
      '--upstream',
      upstream,
      '--served-model-name',
      'x',
      '--port',
      String(await freePort()),
    ];
    const run = await runFerryClaude(box, args, claude.env, 20_000);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /ferry: the model server is not answering through Ferry at http:.*unreachable/,
    );
    expect(claude.ran()).toBeUndefined();
  });

  test('with served names and the upstream up, Claude Code runs with the words after -- and its exit code is passed on', async () => {
    const box = sandbox();
    const claude = fakeClaude(box);
    const upstream = await startScriptedUpstream({ models: ['qwen3-coder'] });
    try {
      const args = [
        '--upstream',
        upstream.url,
        '--served-model-name',
        'x',
        '--served-model-name',
        'x',
      ];
      const run = await runFerryClaude(
        box,
        [...args, '--port', String(await freePort()), '--', '-p', 'hi'],
        claude.env,
        20_000,
      );
      expect(run.code, run.stderr).toBe(7);
      expect(run.stderr).toContain('(x)\n'); // served once, though named twice
      expect(claude.ran()).toBe('-p\nhi\n');
    } finally {
      await upstream.close();
    }
  });
});
