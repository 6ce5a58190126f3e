/**
 * What of an upstream's error text may be shown to a client: never an HTML page, a stack trace
 * or a path on the upstream's machine (docs/reliability.md), and at most `maxLength`
 * characters. A traceback keeps its last line, the exception (`ValueError: …`), when that names
 * no path; anything else becomes a generic sentence. `shortened` tells the caller to put the
 * whole text in the operator's log instead.
 */
export function clientSafeUpstreamText(
  text: string,
  maxLength = 1000,
): { text: string; shortened: boolean } {
  const trimmed = text.trim();
  if (trimmed.startsWith('<')) return { text: htmlPage, shortened: true };
  if (tracebackMarker.test(trimmed) || sourcePath.test(trimmed)) {
    const last = lastMeaningfulLine(trimmed);
    const safe = last !== undefined && !sourcePath.test(last) && !tracebackMarker.test(last);
    return { text: safe ? last.slice(0, maxLength) : withheld, shortened: true };
  }
  if (trimmed.length <= maxLength) return { text: trimmed, shortened: false };
  return { text: `${trimmed.slice(0, maxLength)}…`, shortened: true };
}

const htmlPage = 'the upstream answered with an HTML page';

const withheld = "the upstream failed; its error text is in Ferry's log";

/** Frames of a Python traceback, a JavaScript stack, a Go panic. */
const tracebackMarker =
  /Traceback \(most recent call last\)|^\s+File "|^\s+at \S|^goroutine \d+ \[/m;

/**
 * An absolute path to a file (`/usr/lib/python3/vllm/x.py`, `C:\srv\app.js`): a directory then
 * a name with an extension. A model directory (`/models/qwen`) or a URL is not one.
 */
const sourcePath =
  /(?:^|[\s'"`(=:,[])(?:[A-Za-z]:\\|\/)(?:[\w.+@-]+[\\/])+[\w.+@-]+\.[A-Za-z0-9]{1,6}\b/;

/** The last line that is not a frame: where Python and Node put the exception itself. */
function lastMeaningfulLine(text: string): string | undefined {
  const lines = text.split('\n');
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index]!;
    if (line.trim() === '' || /^\s/.test(line) || /^\^+$/.test(line.trim())) continue;
    return line.trim();
  }
  return undefined;
}
