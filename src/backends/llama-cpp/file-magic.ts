import { closeSync, openSync, readSync } from 'node:fs';

/** A file's first four bytes as text: `GGUF` for a GGUF model. */
export function fileMagic(path: string): string {
  const magic = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  try {
    const read = readSync(fd, magic, 0, 4, 0);
    return magic.subarray(0, read).toString('latin1');
  } finally {
    closeSync(fd);
  }
}
