import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { readSseData } from './read-sse-data.js';

/** An upstream body whose network reads are exactly these pieces. */
function reads(pieces: Array<string | number[]>): AsyncIterable<Uint8Array> {
  return Readable.from(
    pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : Buffer.from(piece))),
  );
}

async function collect(pieces: Array<string | number[]>): Promise<string[][]> {
  const batches: string[][] = [];
  for await (const batch of readSseData(reads(pieces))) batches.push(batch);
  return batches;
}

const euro = [...Buffer.from('€')]; // three bytes

describe('readSseData', () => {
  test.each([
    {
      name: 'one batch per read, every event of the read in it (reads with none yield none)',
      pieces: ['data: a\n\ndata: b\n\n', ': ping\n\n', 'data: c\n\n'],
      batches: [['a', 'b'], ['c']],
    },
    {
      name: 'an event split across reads arrives with the read that completes it',
      pieces: ['data: {"x"', ':1}\n', '\ndata: d\n\n'],
      batches: [['{"x":1}', 'd']],
    },
    {
      name: 'a character split across reads is decoded whole',
      pieces: [
        [...Buffer.from('data: '), euro[0]!],
        [euro[1]!, euro[2]!, 10, 10],
      ],
      batches: [['€']],
    },
    {
      name: 'a leading byte order mark is ignored',
      pieces: [[0xef, 0xbb, 0xbf, ...Buffer.from('data: a\n\n')]],
      batches: [['a']],
    },
    {
      name: 'a byte order mark split across the first reads is ignored too',
      pieces: [[0xef], [0xbb, 0xbf, ...Buffer.from('data: a\n\n')]],
      batches: [['a']],
    },
    {
      name: 'CRLF line ends, comments and other fields',
      pieces: [': keep-alive\r\n\r\nevent: x\r\nid: 1\r\ndata: e\r\n\r\n'],
      batches: [['e']],
    },
    {
      name: 'an `event: error` becomes an error chunk, JSON or text',
      pieces: [
        'data: a\n\nevent: error\ndata: {"message":"engine died"}\n\n',
        'event: error\ndata: out of memory\n\nevent: error\ndata: {"error":{"message":"x"}}\n\n',
      ],
      batches: [
        ['a', '{"error":{"message":"engine died"}}'],
        ['{"error":"out of memory"}', '{"error":{"message":"x"}}'],
      ],
    },
    {
      name: "older llama-server's `error:` field becomes an error chunk",
      pieces: ['data: a\n\nerror: {"code":500,"message":"slot failed"}\n\n'],
      batches: [['a', '{"error":{"code":500,"message":"slot failed"}}']],
    },
    {
      name: 'bad bytes become replacement characters',
      pieces: [[...Buffer.from('data: '), 0xff, 10, 10]],
      batches: [['\ufffd']],
    },
  ])('$name', async ({ pieces, batches }) => {
    expect(await collect(pieces)).toEqual(batches);
  });
});
