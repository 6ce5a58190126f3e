import type { ModelStreamPart } from '../../model/model-stream-part.js';
import type { TextParser } from '../text-parser.js';

/** What a parser's parts amount to, independent of how the input was split. */
export type Summary = Array<
  { text: string } | { reasoning: string } | { call: string; input: unknown }
>;

/** Feeds `pieces` to `parser` one push each, then finishes it. */
export function runParser(parser: TextParser, pieces: readonly string[]): ModelStreamPart[] {
  return [...pieces.flatMap((piece) => parser.push(piece)), ...parser.finish()];
}

/**
 * Merges neighbouring text and reasoning, joins each call's argument pieces and parses them.
 * Throws when the parts break the contract (a delta or end for a call that is not open, a
 * reused id, arguments that are not a JSON object).
 */
export function summarizeParts(parts: readonly ModelStreamPart[]): Summary {
  const summary: Summary = [];
  const open = new Map<string, { name: string; args: string }>();
  const seen = new Set<string>();
  for (const part of parts) {
    const last = summary.at(-1);
    switch (part.type) {
      case 'text-delta':
        if (part.text === '') throw new Error('empty text delta');
        if (last !== undefined && 'text' in last) last.text += part.text;
        else summary.push({ text: part.text });
        break;
      case 'reasoning-delta':
        if (part.text === '') throw new Error('empty reasoning delta');
        if (last !== undefined && 'reasoning' in last) last.reasoning += part.text;
        else summary.push({ reasoning: part.text });
        break;
      case 'tool-call-start':
        if (seen.has(part.id)) throw new Error(`reused id ${part.id}`);
        seen.add(part.id);
        open.set(part.id, { name: part.name, args: '' });
        break;
      case 'tool-call-delta':
        requireOpen(open, part.id).args += part.argumentsDelta;
        break;
      case 'tool-call-end': {
        const call = requireOpen(open, part.id);
        open.delete(part.id);
        summary.push({ call: call.name, input: parseObject(call.args) });
        break;
      }
      case 'usage':
      case 'finish':
        throw new Error(`parsers do not emit ${part.type}`);
    }
  }
  if (open.size > 0) throw new Error('a call was never ended');
  return summary;
}

function requireOpen<T>(open: Map<string, T>, id: string): T {
  const call = open.get(id);
  if (call === undefined) throw new Error(`no open call ${id}`);
  return call;
}

function parseObject(text: string): unknown {
  const value = JSON.parse(text) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`arguments are not an object: ${text}`);
  }
  return value;
}
