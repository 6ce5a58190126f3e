/** A seeded pseudo-random source in [0, 1) (mulberry32): the same seed gives the same splits. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `text` in two pieces at `index` (an empty piece when the index is at either end). */
export function splitAt(text: string, index: number): string[] {
  return [text.slice(0, index), text.slice(index)];
}

/** `text` in random pieces of 1 to `maxPiece` UTF-16 units (surrogate pairs may be split). */
export function splitRandomly(text: string, random: () => number, maxPiece = 8): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length;) {
    const length = 1 + Math.floor(random() * maxPiece);
    pieces.push(text.slice(i, i + length));
    i += length;
  }
  return pieces;
}
