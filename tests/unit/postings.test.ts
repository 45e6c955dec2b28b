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

test('tiers: a loaded main pool is not rewritten by later folds; the tail joins it at half its size; snapshots merge the runs', () => {
  const rand = rng(21);
  const expected = new Map<string, { slots: number[]; packs: number[] }>();
  let slot = 0;
  const addDocs = (store: PostingStore, count: number) => {
    for (let doc = 0; doc < count; doc++) {
      slot += 1 + Math.floor(rand() * 3);
      const tf = new Map<number, number>();
      for (let k = 0; k < 40; k++) {
        const term = `t${Math.floor(rand() * 3000)}`;
        const packed = rand() < 0.7 ? packTf(0, 0, 1) : packTf(1, 0, 2);
        const id = store.intern(term);
        if (tf.has(id)) continue;
        tf.set(id, packed);
        const e = expected.get(term) ?? { slots: [], packs: [] };
        e.slots.push(slot);
        e.packs.push(packed);
        expected.set(term, e);
      }
      store.addDoc(slot, tf);
    }
  };
  const check = (store: PostingStore) => {
    for (const [term, e] of expected) {
      const got = store.read(store.lookup(term));
      assert.deepEqual(Array.from(got.slots), e.slots, term);
      assert.deepEqual(Array.from(got.packs), e.packs, term);
    }
  };
  const roundTrip = (store: PostingStore): PostingStore => {
    const order = Int32Array.from(store.terms.map((_, i) => i).sort((a, b) => (store.term(a) < store.term(b) ? -1 : 1)));
    const a = store.toArrays(order);
    const pool = new Uint8Array(Buffer.concat(Array.from(a.pool, (c) => c.slice()))); // a part is valid until the next is pulled
    assert.equal(pool.length, a.poolBytes);
    return PostingStore.fromArrays({ terms: a.terms.slice(0, a.terms.length), start: a.start, end: a.end, df: a.df, last: a.last, pool });
  };
  const first = new PostingStore();
  addDocs(first, 20_000);
  const loaded = roundTrip(first);
  check(loaded);
  assert.equal(loaded.tailBytes, 0);
  const mainBytes = loaded.poolBytes;
  addDocs(loaded, 4000); // one fold (every 4,000 documents): into the tail, the main pool untouched
  assert.ok(loaded.tailBytes > 0 && loaded.tailBytes < mainBytes / 4, `tail ${loaded.tailBytes} of main ${mainBytes}`);
  assert.equal(loaded.poolBytes, mainBytes + loaded.tailBytes);
  check(loaded);
  const again = roundTrip(loaded); // main and tail runs written back to back
  check(again);
  assert.equal(again.tailBytes, 0);
  const before = again.poolBytes;
  addDocs(again, 16_000); // the tail reaches half the main pool: it joins it
  assert.ok(again.tailBytes < again.poolBytes - before, 'some of the new postings are in the main pool now');
  check(again);
});

test('a loaded store finds its (sorted) terms by binary search and new ones by map; unsorted terms still load', () => {
  const terms = ['alpha', 'beta', 'gamma', '图像', '扩散'].sort();
  const empty = () => ({ start: new Uint32Array(terms.length), end: new Uint32Array(terms.length), df: new Uint32Array(terms.length), last: new Int32Array(terms.length).fill(-1), pool: new Uint8Array(0) });
  const sorted = PostingStore.fromArrays({ terms: [...terms], ...empty() });
  terms.forEach((t, i) => assert.equal(sorted.lookup(t), i, t));
  assert.equal(sorted.lookup('delta'), -1);
  assert.equal(sorted.lookup('zzz'), -1);
  assert.equal(sorted.lookup(''), -1);
  const id = sorted.intern('delta');
  assert.equal(id, terms.length);
  assert.equal(sorted.lookup('delta'), id);
  assert.equal(sorted.intern('beta'), terms.indexOf('beta'), 'a loaded term is not added twice');
  const shuffled = ['gamma', 'alpha', '扩散', 'beta'];
  const unsorted = PostingStore.fromArrays({ terms: [...shuffled], ...empty() });
  shuffled.forEach((t, i) => assert.equal(unsorted.lookup(t), i, t));
});
