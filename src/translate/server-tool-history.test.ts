import { expect, test } from 'vitest';
import type { RequestServerToolHistoryBlock } from '../protocol/messages-request-schema.js';
import { serverToolHistoryText } from './server-tool-history.js';

const id = 'srvtoolu_01';

test.each<[string, RequestServerToolHistoryBlock, string]>([
  [
    'a server tool call',
    { type: 'server_tool_use', id, name: 'web_search', input: { query: 'ferry times' } },
    '[web_search call: {"query":"ferry times"}]',
  ],
  [
    'web search results: titles and addresses, not the encrypted pages',
    {
      type: 'web_search_tool_result',
      tool_use_id: id,
      content: [
        {
          type: 'web_search_result',
          title: 'Timetable',
          url: 'https://a.example/t',
          encrypted_content: 'x',
        },
        { type: 'web_search_result', url: 'https://b.example', encrypted_content: 'y' },
      ],
    },
    '[web search result]\n1. Timetable: https://a.example/t\n2. (untitled): https://b.example',
  ],
  [
    'a failed web search',
    {
      type: 'web_search_tool_result',
      tool_use_id: id,
      content: { type: 'web_search_tool_result_error', error_code: 'max_uses_exceeded' },
    },
    '[web search failed: max_uses_exceeded]',
  ],
  [
    'a fetched page that is text',
    {
      type: 'web_fetch_tool_result',
      tool_use_id: id,
      content: {
        type: 'web_fetch_result',
        url: 'https://a.example',
        content: {
          type: 'document',
          source: { type: 'text', media_type: 'text/plain', data: 'Hello' },
        },
      },
    },
    '[web fetch result]\nhttps://a.example\nHello',
  ],
  [
    'a fetched PDF',
    {
      type: 'web_fetch_tool_result',
      tool_use_id: id,
      content: {
        type: 'web_fetch_result',
        url: 'https://a.example/x.pdf',
        content: {
          type: 'document',
          source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' },
        },
      },
    },
    '[web fetch result]\nhttps://a.example/x.pdf\n(the page is not text: it is not shown here)',
  ],
  [
    'code execution: exit code, output and files',
    {
      type: 'bash_code_execution_tool_result',
      tool_use_id: id,
      content: {
        type: 'bash_code_execution_result',
        return_code: 1,
        stdout: '3\n',
        stderr: 'warning',
        content: [{ type: 'bash_code_execution_output', file_id: 'file_1' }],
      },
    },
    '[code execution result]\nexit code 1\nstdout:\n3\n\nstderr:\nwarning\nfiles: file_1',
  ],
  [
    'encrypted code execution output',
    {
      type: 'code_execution_tool_result',
      tool_use_id: id,
      content: { type: 'encrypted_code_execution_result', return_code: 0, encrypted_stdout: 'z' },
    },
    '[code execution result]\nexit code 0; its output is encrypted and not shown here',
  ],
  [
    'the text editor viewing a file',
    {
      type: 'text_editor_code_execution_tool_result',
      tool_use_id: id,
      content: {
        type: 'text_editor_code_execution_view_result',
        content: 'line 1',
        file_type: 'text',
      },
    },
    '[text editor result]\nline 1',
  ],
  [
    'a text editor error with its message',
    {
      type: 'text_editor_code_execution_tool_result',
      tool_use_id: id,
      content: {
        type: 'text_editor_code_execution_tool_result_error',
        error_code: 'invalid_tool_input',
        error_message: 'no such file',
      },
    },
    '[text editor failed: invalid_tool_input: no such file]',
  ],
  [
    'tool search',
    {
      type: 'tool_search_tool_result',
      tool_use_id: id,
      content: {
        type: 'tool_search_tool_search_result',
        tool_references: [{ type: 'tool_reference', tool_name: 'get_weather' }],
      },
    },
    '[tool search result]\ntools found: get_weather',
  ],
  [
    'advice, and encrypted advice',
    {
      type: 'advisor_tool_result',
      tool_use_id: id,
      content: { type: 'advisor_result', text: 'Check the tests first.' },
    },
    '[advisor result]\nCheck the tests first.',
  ],
  [
    'a result of a shape not known here: its JSON',
    { type: 'advisor_tool_result', tool_use_id: id, content: { type: 'advisor_future', n: 1 } },
    '[advisor result]\n{"type":"advisor_future","n":1}',
  ],
  [
    'an MCP connector call and its result',
    { type: 'mcp_tool_use', id, name: 'search_issues', server_name: 'github', input: { q: 'bug' } },
    '[search_issues call (MCP server github): {"q":"bug"}]',
  ],
  [
    'an MCP tool error',
    {
      type: 'mcp_tool_result',
      tool_use_id: id,
      is_error: true,
      content: [{ type: 'text', text: 'rate limited' }],
    },
    '[MCP tool error]\nrate limited',
  ],
  [
    'an MCP server listing its tools',
    { type: 'mcp_tool_listing', mcp_server_name: 'github', tools: [{ name: 'a' }, { name: 'b' }] },
    '[MCP server github offers: a, b]',
  ],
  [
    'a file put in the container',
    { type: 'container_upload', file_id: 'file_2' },
    '[File file_2 was put in the code execution container]',
  ],
  ['a model fallback note: nothing', { type: 'fallback' }, ''],
])('%s', (_name, block, expected) => {
  expect(serverToolHistoryText(block)).toBe(expected);
});
