import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskSnapshotFile } from '../../src/archive.ts';
import { rng } from '../../bench/lib/rng.ts';

/** 96 MB of seeded bytes: more than the read-ahead window (64 MB) in front of the reader. */
function bytes(n: number, seed: number): Uint8Array {
  const rand = rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4096) out.fill(Math.floor(rand() * 256), i, Math.min(n, i + 4096));
  return out;
}

test('a snapshot on disk reads back byte for byte in pieces of any size, with the read-ahead running in front', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snapfile-'));
  try {
    const data = bytes(96 << 20, 3);
    const file = diskSnapshotFile(join(dir, 'index.bin'));
    // Written in 1 MB chunks, one buffer reused (a chunk is valid until the next is pulled).
    const part = new Uint8Array(1 << 20);
    const chunks = function* (): Generator<Uint8Array> {
      for (let at = 0; at < data.length; at += part.length) {
        part.set(data.subarray(at, at + part.length));
        yield part;
      }
    };
    await (await file.prepare(chunks())).commit([]);
    const reader = await file.open();
    assert.ok(reader);
    assert.equal(reader.size, data.length);
    const rand = rng(9);
    let at = 0;
    while (at < data.length) {
      const n = Math.min(data.length - at, rand() < 0.1 ? Math.floor(rand() * (30 << 20)) + 1 : Math.floor(rand() * 70_000) + 1);
      const dest = new Uint8Array(n);
      assert.equal(await reader.read(dest), true);
      assert.ok(Buffer.from(dest).equals(Buffer.from(data.subarray(at, at + n))), `bytes ${at}–${at + n}`);
      at += n;
    }
    assert.equal(await reader.read(new Uint8Array(1)), false, 'nothing after the end');
    await reader.close();

    // Closed early: once with the read-ahead still reading, once with it parked at the end of its window.
    for (const pause of [0, 500]) {
      const early = await file.open();
      assert.ok(early);
      assert.equal(await early.read(new Uint8Array(1000)), true);
      await new Promise((resolve) => setTimeout(resolve, pause));
      await early.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
