/**
 * Tools whose input schema Anthropic defines and the client runs: its bash, text editor and
 * memory tools. A request names only the tool's type (and the name the client dispatches on),
 * so the model is given that published schema as an ordinary function; its calls come back as
 * ordinary `tool_use` blocks, as they do from Anthropic. Each type has one fixed name.
 */
export interface DefinedTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

const path = { type: 'string', description: 'Absolute path of the file or directory.' };
// What the text editor and the memory tool share.
const fileText = { type: 'string', description: 'create: the content of the new file.' };
const oldStr = { type: 'string', description: 'str_replace: the exact text to replace.' };
const insertLine = {
  type: 'integer',
  minimum: 0,
  description: 'insert: the line after which to insert (0: at the start).',
};
const viewRange = {
  type: 'array',
  items: { type: 'integer' },
  minItems: 2,
  maxItems: 2,
  description: 'view: first and last line to show, 1-based; -1 as the last means to the end.',
};

function textEditor(name: string, commands: string[]): DefinedTool {
  return {
    name,
    description:
      'View, create and edit text files. `view` shows a file with line numbers, or lists a ' +
      'directory; `create` writes a new file; `str_replace` replaces text that occurs exactly ' +
      'once; `insert` adds text after a line' +
      (commands.includes('undo_edit') ? '; `undo_edit` reverts the last edit of a file.' : '.'),
    parameters: {
      type: 'object',
      properties: {
        command: { type: 'string', enum: commands },
        path,
        file_text: fileText,
        old_str: oldStr,
        new_str: {
          type: 'string',
          description: 'str_replace: the text to put in its place; insert: the text to insert.',
        },
        insert_line: insertLine,
        view_range: viewRange,
      },
      required: ['command', 'path'],
    },
  };
}

const bash: DefinedTool = {
  name: 'bash',
  description:
    'Run a command in a bash shell that keeps its state between calls. Set `restart` to start ' +
    'a fresh shell.',
  parameters: {
    type: 'object',
    properties: {
      command: { type: 'string', description: 'The command to run.' },
      restart: { type: 'boolean', description: 'Restart the shell instead of running a command.' },
    },
  },
};

const memory: DefinedTool = {
  name: 'memory',
  description:
    'Read and write files in the /memories directory, kept across conversations: `view`, ' +
    '`create`, `str_replace`, `insert`, `delete` and `rename`.',
  parameters: {
    type: 'object',
    properties: {
      command: {
        type: 'string',
        enum: ['view', 'create', 'str_replace', 'insert', 'delete', 'rename'],
      },
      path: { type: 'string', description: 'A path under /memories.' },
      view_range: viewRange,
      file_text: fileText,
      old_str: oldStr,
      new_str: { type: 'string', description: 'str_replace: the text to put in its place.' },
      insert_line: insertLine,
      insert_text: { type: 'string', description: 'insert: the text to insert.' },
      old_path: { type: 'string', description: 'rename: the current path.' },
      new_path: { type: 'string', description: 'rename: the new path.' },
    },
    required: ['command'],
  },
};

const withUndo = textEditor('str_replace_editor', [
  'view',
  'create',
  'str_replace',
  'insert',
  'undo_edit',
]);
const withoutUndo = textEditor('str_replace_based_edit_tool', [
  'view',
  'create',
  'str_replace',
  'insert',
]);

const definedTools: ReadonlyMap<string, DefinedTool> = new Map([
  ['bash_20241022', bash],
  ['bash_20250124', bash],
  ['text_editor_20241022', withUndo],
  ['text_editor_20250124', withUndo],
  ['text_editor_20250429', withoutUndo],
  ['text_editor_20250728', withoutUndo],
  ['memory_20250818', memory],
]);

/** The tool a type names, if Anthropic defines it for clients to run. */
export function anthropicDefinedTool(type: string): DefinedTool | undefined {
  return definedTools.get(type);
}

/** Types whose tools run on Anthropic's servers (their results come from there, not a client). */
export function isServerToolType(type: string): boolean {
  return /^(web_search|web_fetch|code_execution|tool_search_tool|mcp_toolset)_/.test(type);
}
