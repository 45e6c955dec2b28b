/** Chunked bytes: records read back whole across many chunks, growth never moves stored bytes, parts are the pool. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteChunks } from '../../src/search/byte-chunks.ts';

function fill(c: ByteChunks, records: number[][]): number[] {
  const ends: number[] = [];
  for (const r of records) {
    const { buf, at } = c.reserve(r.length + 3); // reserve more than written, as the string column does
    buf.set(r, at);
    c.commit(r.length);
    ends.push(c.length);
  }
  return ends;
}

test('every record reads back whole, though the bytes span many chunks', () => {
  const c = new ByteChunks();
  const records = Array.from({ length: 20_000 }, (_, i) => Array.from({ length: i % 37 }, (_, k) => (i + k) % 256));
  const ends = fill(c, records);
  assert.ok(c.capacity > 1 << 16, 'more than one chunk');
  records.forEach((r, i) => assert.deepEqual([...c.view(i === 0 ? 0 : ends[i - 1]!, ends[i]!)], r));
  const joined = Buffer.concat(c.parts());
  assert.equal(joined.length, c.length);
  assert.deepEqual([...joined], records.flat(), 'the parts are the records back to back');
});

test('growing does not move stored bytes: a view taken earlier still shows them', () => {
  const c = new ByteChunks();
  fill(c, [[1, 2, 3]]);
  const early = c.view(0, 3);
  fill(c, Array.from({ length: 10_000 }, () => Array.from({ length: 30 }, () => 9)));
  assert.deepEqual([...early], [1, 2, 3]);
  assert.equal(early.buffer, c.view(0, 3).buffer);
});

test('a loaded pool is taken over as the first chunk, and appending after it copies nothing', () => {
  const loaded = new Uint8Array(1 << 20).fill(7);
  const c = ByteChunks.over(loaded);
  fill(c, [[1, 2]]);
  assert.equal(c.view(0, 4).buffer, loaded.buffer, 'still the loaded buffer');
  assert.deepEqual([...c.view(1 << 20, (1 << 20) + 2)], [1, 2]);
  assert.ok(c.capacity < (1 << 20) * 1.5, 'the next chunk is a quarter of what is stored, not a copy of it');
  assert.equal(c.parts((1 << 20) + 1).reduce((n, p) => n + p.length, 0), (1 << 20) + 1, 'parts stop where asked');
});

test('a record bigger than a chunk gets a chunk of its own; empty records read as empty', () => {
  const c = new ByteChunks();
  const big = Array.from({ length: 200_000 }, (_, i) => i % 251);
  const ends = fill(c, [[5], [], big, [6]]);
  assert.deepEqual([...c.view(ends[1]!, ends[2]!)], big);
  assert.deepEqual([...c.view(ends[0]!, ends[1]!)], []);
  assert.deepEqual([...c.view(ends[2]!, ends[3]!)], [6]);
});
