import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { installClaudeCode } from './helpers/install-claude-code.js';
import { makeTempDir, removeTempDirs } from '../helpers/make-temp-dir.js';
import {
  blocksOf,
  resultOf,
  resultText,
  toolResultsOf,
  toolUsesOf,
} from './helpers/read-session-events.js';
import {
  runClaudeCode,
  type ClaudeCodeRun,
  type ContentBlock,
  type RunClaudeCodeOptions,
  type StreamEvent,
} from './helpers/run-claude-code.js';
import { startE2eStack, type ChatMessage, type E2eStack } from './helpers/start-e2e-stack.js';

// The real Claude Code CLI in print mode, against Ferry in this process and a scripted
// vLLM-style upstream playing the model. Each run takes about a second.
let claude: string;
let stack: E2eStack;

beforeAll(async () => {
  claude = await installClaudeCode();
  stack = await startE2eStack();
}, 300_000);
afterAll(async () => {
  removeTempDirs();
  await stack?.close();
});
beforeEach(async () => stack.reset());

function project(): string {
  return makeTempDir('project');
}

async function run(
  prompt: string,
  cwd: string,
  options: Partial<RunClaudeCodeOptions> = {},
): Promise<ClaudeCodeRun> {
  const session = await runClaudeCode({
    executable: claude,
    baseUrl: stack.ferry.url,
    prompt,
    cwd,
    ...options,
  });
  expect(session.code, session.stderr + session.stdout.slice(-2000)).toBe(0);
  // Every request Claude Code made succeeded the first time: no 4xx it had to retry around.
  expect(stack.ferryRequests().filter((request) => request.status !== 200)).toEqual([]);
  return session;
}

/** Each tool message the upstream received answers the call just before it, in order. */
function toolRoundTrips(
  messages: readonly ChatMessage[],
): Array<{ name: string; content: unknown }> {
  const calls = new Map(
    messages.flatMap((message) => message.tool_calls ?? []).map((call) => [call.id, call]),
  );
  return messages
    .filter((message) => message.role === 'tool')
    .map((message) => {
      const call = calls.get(message.tool_call_id ?? '');
      expect(call, `tool message for an unknown call ${message.tool_call_id}`).toBeDefined();
      return { name: call?.function.name ?? '', content: message.content };
    });
}

describe('Claude Code sessions through Ferry', () => {
  test('writes a file, runs a command, reads the result and edits the file', async () => {
    const cwd = project();
    const file = join(cwd, 'notes.txt');
    await stack.upstream.script([
      {
        toolCalls: [
          { name: 'Write', arguments: { file_path: file, content: 'alpha\nbeta\ngamma\n' } },
        ],
      },
      {
        toolCalls: [
          { name: 'Bash', arguments: { command: 'wc -l notes.txt', description: 'Count lines' } },
        ],
      },
      { toolCalls: [{ name: 'Read', arguments: { file_path: file } }] },
      {
        toolCalls: [
          { name: 'Edit', arguments: { file_path: file, old_string: 'beta', new_string: 'BETA' } },
        ],
      },
      { text: 'notes.txt has 3 lines; beta is now BETA.' },
    ]);

    const session = await run('Create notes.txt, count its lines, then capitalise beta.', cwd);

    expect(readFileSync(file, 'utf8')).toBe('alpha\nBETA\ngamma\n');
    expect(toolUsesOf(session.events).map((use) => use.name)).toEqual([
      'Write',
      'Bash',
      'Read',
      'Edit',
    ]);
    const results = toolResultsOf(session.events);
    expect(results.map((result) => result.is_error ?? false)).toEqual([false, false, false, false]);
    expect(resultText(results[0]!)).toContain(`File created successfully at: ${file}`);
    expect(resultText(results[1]!).trim()).toBe('3 notes.txt');
    expect(resultText(results[2]!)).toMatch(/1\talpha\n2\tbeta\n3\tgamma/);
    expect(resultText(results[3]!)).toContain(`${file} has been updated`);
    const result = resultOf(session.events);
    expect(result).toMatchObject({ subtype: 'success', is_error: false });
    expect(result.result).toBe('notes.txt has 3 lines; beta is now BETA.');

    const requests = await stack.chatRequests();
    expect(requests).toHaveLength(5);
    expect(requests.map((request) => request.model)).toEqual(Array(5).fill('qwen3-coder'));
    // Every result Claude Code recorded reached the model as a tool message for its call.
    expect(toolRoundTrips(requests[4]!.messages)).toEqual(
      results.map((result, i) => ({
        name: ['Write', 'Bash', 'Read', 'Edit'][i],
        content: resultText(result),
      })),
    );
  });

  test('a failing tool call (is_error) is reported to the model, which recovers', async () => {
    const cwd = project();
    await stack.upstream.script([
      {
        toolCalls: [
          { name: 'Bash', arguments: { command: 'cat missing.txt', description: 'Show it' } },
        ],
      },
      {
        toolCalls: [
          {
            name: 'Write',
            arguments: { file_path: join(cwd, 'missing.txt'), content: 'now here\n' },
          },
        ],
      },
      { text: 'missing.txt did not exist, so I created it.' },
    ]);

    const session = await run('Show missing.txt; create it if needed.', cwd);

    expect(readFileSync(join(cwd, 'missing.txt'), 'utf8')).toBe('now here\n');
    const [failed, written] = toolResultsOf(session.events);
    expect(failed?.is_error).toBe(true);
    expect(resultText(failed!)).toMatch(/No such file or directory/);
    expect(written?.is_error ?? false).toBe(false);
    expect(resultOf(session.events)).toMatchObject({
      subtype: 'success',
      is_error: false,
      result: 'missing.txt did not exist, so I created it.',
    });
    // The model saw the failure as such: Ferry marks is_error results for chat templates.
    const [, second] = await stack.chatRequests();
    expect(toolRoundTrips(second!.messages)).toEqual([
      { name: 'Bash', content: `Error: ${resultText(failed!)}` },
    ]);
  });

  test('parallel tool calls in one turn run and come back together', async () => {
    const cwd = project();
    await stack.upstream.script([
      {
        text: 'Writing both files.',
        toolCalls: [
          { name: 'Write', arguments: { file_path: join(cwd, 'a.txt'), content: 'A\n' } },
          { name: 'Write', arguments: { file_path: join(cwd, 'b.txt'), content: 'B\n' } },
        ],
      },
      { text: 'Wrote a.txt and b.txt.' },
    ]);

    const session = await run('Write a.txt and b.txt at once.', cwd);

    expect(readFileSync(join(cwd, 'a.txt'), 'utf8')).toBe('A\n');
    expect(readFileSync(join(cwd, 'b.txt'), 'utf8')).toBe('B\n');
    const uses = toolUsesOf(session.events);
    expect(uses.map((use) => use.input?.file_path)).toEqual([
      join(cwd, 'a.txt'),
      join(cwd, 'b.txt'),
    ]);
    const results = toolResultsOf(session.events);
    expect(results.map((result) => result.tool_use_id)).toEqual(uses.map((use) => use.id));
    expect(
      results.every((result) => resultText(result).includes('File created successfully')),
    ).toBe(true);
    expect(resultOf(session.events).result).toBe('Wrote a.txt and b.txt.');
    // One assistant message with both calls, then both results, in order.
    const [, second] = await stack.chatRequests();
    const assistant = second!.messages.find((message) => message.role === 'assistant');
    expect(assistant?.content).toBe('Writing both files.');
    expect(
      assistant?.tool_calls?.map((call) => JSON.parse(call.function.arguments) as unknown),
    ).toEqual([
      { file_path: join(cwd, 'a.txt'), content: 'A\n' },
      { file_path: join(cwd, 'b.txt'), content: 'B\n' },
    ]);
    expect(second!.messages.slice(-2).map((message) => message.tool_call_id)).toEqual(
      assistant?.tool_calls?.map((call) => call.id),
    );
  });

  test('tool search: the tool ToolSearch loads joins the model’s tools, and its call runs', async () => {
    const cwd = project();
    const notebook = join(cwd, 'n.ipynb');
    const empty = { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 };
    writeFileSync(notebook, JSON.stringify(empty));
    await stack.upstream.script([
      {
        toolCalls: [
          { name: 'ToolSearch', arguments: { query: 'select:NotebookEdit', max_results: 5 } },
        ],
      },
      { toolCalls: [{ name: 'Read', arguments: { file_path: notebook } }] },
      {
        toolCalls: [
          {
            name: 'NotebookEdit',
            arguments: {
              notebook_path: notebook,
              new_source: 'print(1)',
              cell_type: 'code',
              edit_mode: 'insert',
            },
          },
        ],
      },
      { text: 'Added the cell.' },
    ]);

    // Claude Code defers NotebookEdit: it sends the tool with `defer_loading` and names it in its
    // system prompt, and ToolSearch answers with a `tool_reference` to it.
    const session = await run('Add a cell that prints 1.', cwd, {
      allowedTools: 'Read ToolSearch NotebookEdit',
    });

    const results = toolResultsOf(session.events);
    expect(results[0]?.content).toEqual([{ type: 'tool_reference', tool_name: 'NotebookEdit' }]);
    expect(results.map((result) => result.is_error ?? false)).toEqual([false, false, false]);
    const cells = (JSON.parse(readFileSync(notebook, 'utf8')) as { cells: unknown[] }).cells;
    expect(cells).toMatchObject([{ cell_type: 'code', source: 'print(1)' }]);
    expect(resultOf(session.events).result).toBe('Added the cell.');
    const requests = await stack.chatRequests();
    const toolNames = requests.map((request) =>
      (request.tools as Array<{ function: { name: string } }>).map((tool) => tool.function.name),
    );
    expect(toolNames[0]).toContain('ToolSearch');
    expect(toolNames[0]).not.toContain('NotebookEdit');
    for (const names of toolNames.slice(1)) expect(names).toContain('NotebookEdit');
    expect(toolRoundTrips(requests[1]!.messages)).toEqual([
      { name: 'ToolSearch', content: 'Tool loaded: NotebookEdit' },
    ]);
  });

  describe('media the model cannot take', () => {
    // An 8×8 PNG, and a one-page PDF whose xref offsets are computed below.
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEklEQVR4nGP4z8CAFWEXHbQSACj/P8Fu7N9hAAAAAElFTkSuQmCC',
      'base64',
    );
    function onePagePdf(text: string): string {
      const objects = [
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
        `<< /Length ${text.length + 30} >>\nstream\nBT /F1 12 Tf 20 100 Td (${text}) Tj ET\nendstream`,
        '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
      ];
      let pdf = '%PDF-1.4\n';
      const offsets = objects.map((body, i) => {
        const at = pdf.length;
        pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
        return at;
      });
      const xref = pdf.length;
      pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
      for (const at of offsets) pdf += `${String(at).padStart(10, '0')} 00000 n \n`;
      return `${pdf}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    }

    /**
     * Runs Claude Code, which must end its turn with `answer` after one refused request (a 400
     * between two 200s): it dropped the file and retried.
     */
    async function runPastOneRefusal(prompt: string, cwd: string, answer: string): Promise<void> {
      const session = await runClaudeCode({
        executable: claude,
        baseUrl: stack.ferry.url,
        prompt,
        cwd,
      });

      expect(session.code, session.stderr).toBe(0);
      expect(resultOf(session.events)).toMatchObject({
        subtype: 'success',
        is_error: false,
        result: answer,
      });
      expect(stack.ferryRequests().map((request) => request.status)).toEqual([200, 400, 200]);
    }

    test('a PDF read with Read is refused in words Claude Code knows: it drops the PDF and goes on', async () => {
      const cwd = project();
      const pdf = join(cwd, 'doc.pdf');
      writeFileSync(pdf, onePagePdf('PDF_SECRET_77'));
      await stack.upstream.script([
        { toolCalls: [{ name: 'Read', arguments: { file_path: pdf } }] },
        { text: 'The PDF could not be read here.' },
      ]);

      // One 400 for the request with the PDF (Ferry's own), then Claude Code's retry without it.
      await runPastOneRefusal('Read doc.pdf.', cwd, 'The PDF could not be read here.');
      expect(await stack.chatRequests()).toHaveLength(2);
    });

    test('an image a text-only upstream refuses: Claude Code drops it and goes on', async () => {
      const cwd = project();
      const image = join(cwd, 'red.png');
      writeFileSync(image, png);
      const refusal = {
        object: 'error',
        message: 'qwen3-coder is not a multimodal model',
        type: 'BadRequestError',
        param: null,
        code: 400,
      };
      await stack.upstream.script([
        { toolCalls: [{ name: 'Read', arguments: { file_path: image } }] },
        { status: 400, body: refusal },
        { text: 'The image could not be shown to me.' },
      ]);

      await runPastOneRefusal('Look at red.png.', cwd, 'The image could not be shown to me.');
      const requests = await stack.chatRequests();
      expect(JSON.stringify(requests[1]!.messages)).toContain('image_url');
      expect(JSON.stringify(requests[2]!.messages)).not.toContain('image_url');
    });
  });

  test('a long answer streamed in many small chunks arrives whole', async () => {
    const line = (i: number) => `${i}. Ferry streams this line — naïve café, 漢字, emoji 🚢.\n`;
    const answer = Array.from({ length: 120 }, (_, i) => line(i + 1)).join('');
    await stack.upstream.script({ text: answer, chunkSize: 3 }); // ~2700 deltas

    const session = await run('Write a long answer.', project());

    const texts = blocksOf(session.events, 'assistant').filter((block) => block.type === 'text');
    expect(texts.map((block) => block.text).join('')).toBe(answer);
    expect(resultOf(session.events)).toMatchObject({ subtype: 'success', result: answer });
  });

  describe('a reply with reasoning', () => {
    const reasoning = [
      'The user wants the date; run date first.',
      'The command printed it.',
    ] as const;
    const replies = [
      {
        reasoning: reasoning[0],
        toolCalls: [{ name: 'Bash', arguments: { command: 'echo 2026', description: 'Year' } }],
      },
      { reasoning: reasoning[1], text: 'It is 2026.' },
    ];

    test('is shown as thinking blocks when Claude Code displays thinking (stream-json)', async () => {
      await stack.upstream.script(replies);

      const session = await run('What year is it?', project());

      const thinking = blocksOf(session.events, 'assistant').filter(
        (block) => block.type === 'thinking',
      );
      expect(thinking.map((block) => block.thinking)).toEqual(reasoning);
      expect(thinking.every((block) => (block.signature ?? '') !== '')).toBe(true);
      expect(resultOf(session.events).result).toBe('It is 2026.');
      // The thinking block came back with the tool result and reached the model again.
      const [, second] = await stack.chatRequests();
      const assistant = second!.messages.find((message) => message.role === 'assistant');
      expect(assistant?.reasoning_content).toBe(reasoning[0]);
    });

    test('is hidden when Claude Code omits thinking (text output), yet reaches the model again', async () => {
      await stack.upstream.script(replies);

      const session = await run('What year is it?', project(), { format: 'text' });

      expect(session.stdout).toBe('It is 2026.\n');
      // The transcript holds the thinking blocks as Claude Code got them: no text, a signature.
      const thinking = readTranscript(session.home).filter((block) => block.type === 'thinking');
      expect(thinking.map((block) => block.thinking)).toEqual(['', '']);
      expect(thinking.every((block) => (block.signature ?? '') !== '')).toBe(true);
      const [, second] = await stack.chatRequests();
      const assistant = second!.messages.find((message) => message.role === 'assistant');
      expect(assistant?.reasoning_content).toBe(reasoning[0]);
    });
  });
});

/** The assistant content blocks of the one session transcript under HOME/.claude/projects. */
function readTranscript(home: string): ContentBlock[] {
  const projects = join(home, '.claude', 'projects');
  const files = readdirSync(projects, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.jsonl'),
  );
  expect(files).toHaveLength(1);
  return readFileSync(join(projects, files[0]!), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as StreamEvent)
    .filter((entry) => entry.type === 'assistant')
    .flatMap((entry) => (Array.isArray(entry.message?.content) ? entry.message.content : []));
}
