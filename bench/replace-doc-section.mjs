/** Replaces the `## Heading` section of a Markdown document (up to the next `## `), or appends it. */
export function replaceSection(doc, heading, section) {
  const start = doc.indexOf(`${heading}\n`);
  if (start === -1) return `${doc.trimEnd()}\n\n${section}`;
  const next = doc.indexOf('\n## ', start + heading.length);
  const end = next === -1 ? doc.length : next + 1;
  return `${doc.slice(0, start)}${section}${next === -1 ? '' : '\n'}${doc.slice(end)}`;
}
