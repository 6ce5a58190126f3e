/**
 * JSON laid out as chat templates' `tojson` writes it (Python's `json.dumps` separators):
 * `{"a": 1, "b": [2, 3]}`. The grammars admit only this layout (see json-grammar.ts), and a value
 * Ferry rewrites keeps it, so the next turn's template renders it back as the same text.
 */
export function stringifyAsTojson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stringifyAsTojson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value).map(
      ([key, item]) => `${JSON.stringify(key)}: ${stringifyAsTojson(item)}`,
    );
    return `{${members.join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
