import { readFileSync } from 'node:fs';

/** `ferry <version>`, from the package's own package.json. */
export function ferryVersionLine(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return `ferry ${pkg.version}\n`;
}
