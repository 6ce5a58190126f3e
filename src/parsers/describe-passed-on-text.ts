const headLength = 600;
const tailLength = 200;

/**
 * The warning for model text that looked like a tool call but is passed on as text. The raw text
 * is quoted so the call can be debugged, shortened in the middle when long: a malformed call can
 * carry a whole file and should not flood the log.
 */
export function describePassedOnText(parser: string, why: string, raw: string): string {
  const quoted =
    raw.length <= headLength + tailLength
      ? raw
      : `${raw.slice(0, headLength)}…[${raw.length - headLength - tailLength} characters]…${raw.slice(-tailLength)}`;
  return `${parser}: ${why}; passed on as text (${raw.length} characters): ${JSON.stringify(quoted)}`;
}
