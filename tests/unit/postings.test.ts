import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PostingStore, packTf, tfAbstract, tfAuthor, tfTitle } from '../../src/search/postings.ts';
import { rng } from '../../bench/lib/rng.ts';

test('packed frequencies keep each field (capped), abstract-only tf 1 being the commonest', () => {
  for (const [t, a, b] of [[0, 0, 1], [3, 0, 0], [15, 3, 127], [20, 9, 500], [1, 1, 1]] as const) {
    const p = packTf(t, a, b);
    assert.deepEqual([tfTitle(p), tfAuthor(p), tfAbstract(p)], [Math.min(t, 15), Math.min(a, 3), Math.min(b, 127)]);
  }
});

test('postings read back exactly, pending and after folding into the pool, with large gaps and every frequency', () => {
  const rand = rng(9);
  const store = new PostingStore();
  const expected = new Map<number, { slots: number[]; packs: number[] }>();
  let slot = 0;
  for (let doc = 0; doc < 9000; doc++) {
    slot += 1 + (rand() < 0.01 ? Math.floor(rand() * 5_000_000) : Math.floor(rand() * 3));
    const tf = new Map<number, number>();
    for (let k = 0; k < 1 + Math.floor(rand() * 6); k++) {
      const id = store.intern(`t${Math.floor(rand() * 50)}`);
      const r = rand();
      tf.set(id, r < 0.6 ? packTf(0, 0, 1) : packTf(Math.floor(rand() * 4), Math.floor(rand() * 2), Math.floor(rand() * 200)));
    }
    store.addDoc(slot, tf);
    for (const [id, packed] of tf) {
      const e = expected.get(id) ?? { slots: [], packs: [] };
      e.slots.push(slot);
      e.packs.push(packed);
      expected.set(id, e);
    }
    if (doc === 100 || doc === 8999) {
      // Before the first fold (pending only) and after two folds plus a pending tail.
      for (const [id, e] of expected) {
        const got = store.read(id);
        assert.deepEqual(Array.from(got.slots), e.slots);
        assert.deepEqual(Array.from(got.packs), e.packs);
      }
    }
  }
  store.flush();
  for (const [id, e] of expected) assert.deepEqual(Array.from(store.read(id).packs), e.packs);
});
