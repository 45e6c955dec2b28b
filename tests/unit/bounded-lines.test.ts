/** The line reader of `cli import` (issue 15): a line past the cap is dropped as it streams by, not held. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundedLines, type BoundedLine } from '../../src/cli/bounded-lines.ts';

async function collect(chunks: Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>, max: number): Promise<BoundedLine[]> {
  const out: BoundedLine[] = [];
  for await (const line of boundedLines(chunks, max)) out.push(line);
  return out;
}

describe('boundedLines', () => {
  it('splits lines across chunk boundaries, CRLF and a split UTF-8 character included', async () => {
    const bytes = Buffer.from('ab\r\nc论文d\n\nlast');
    const chunks = [...bytes].map((b) => Uint8Array.of(b));
    assert.deepEqual(await collect(chunks, 100), [
      { line: 1, bytes: 3, text: 'ab' },
      { line: 2, bytes: 8, text: 'c论文d' },
      { line: 3, bytes: 0, text: '' },
      { line: 4, bytes: 4, text: 'last' },
    ]);
  });

  it('reports a line over the cap as too long with its size, and reads the lines after it', async () => {
    // One 64 MiB line in 1 MiB chunks, all the same buffer (a stream may reuse its memory): never held whole.
    const chunk = new Uint8Array(1024 * 1024).fill(0x78);
    async function* input(): AsyncIterable<Uint8Array | string> {
      yield 'first\n';
      for (let i = 0; i < 64; i++) yield chunk;
      yield '\nafter\n';
    }
    assert.deepEqual(await collect(input(), 1024), [
      { line: 1, bytes: 5, text: 'first' },
      { line: 2, bytes: 64 * 1024 * 1024, tooLong: true },
      { line: 3, bytes: 5, text: 'after' },
    ]);
  });

  it('takes a line of exactly the cap and refuses one byte more', async () => {
    assert.deepEqual(await collect(['abcd\nabcde\n'], 4), [
      { line: 1, bytes: 4, text: 'abcd' },
      { line: 2, bytes: 5, tooLong: true },
    ]);
  });
});
