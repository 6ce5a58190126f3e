/**
 * How the end of a value is told in an XML-style call format. A value can quote the format
 * itself (an agent writing docs or tests about tool calls), so its own close tag may appear
 * inside it as text.
 */
export interface ValueSyntax {
  /** The tag that closes a value (`</parameter>`). */
  close: string;
  /** Where a quoted open tag starts inside a value; it pairs with the next close tag. */
  nestedOpen: RegExp;
  /** Whether the text after a close tag, whitespace skipped, goes on as the format does. */
  continues: (after: string) => boolean;
}

/**
 * The index of the close tag that really ends the value `text` starts with, or -1 if none does
 * yet. A close tag ends it only when the format goes on after it (the next parameter, the end
 * of the function, the end of the body) and it does not close a quoted open tag (after vLLM's
 * qwen3coder `_find_true_param_end`).
 */
export function findValueEnd(text: string, syntax: ValueSyntax): number {
  const nestedOpen = new RegExp(syntax.nestedOpen.source, 'g');
  let depth = 0;
  for (let from = 0; ;) {
    const close = text.indexOf(syntax.close, from);
    if (close === -1) return -1;
    nestedOpen.lastIndex = from;
    const open = nestedOpen.exec(text);
    if (open !== null && open.index < close) {
      depth++;
      from = nestedOpen.lastIndex;
      continue;
    }
    from = close + syntax.close.length;
    if (depth > 0) depth--;
    else if (syntax.continues(text.slice(from).trimStart())) return close;
  }
}
