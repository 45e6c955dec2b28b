/**
 * A write interrupted half-way (indexes written, records not) must not lose anything: listing skips the
 * half-written ids, and the caller's retry of the same call completes it.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import Keyv from 'keyv';
import { numberedPaper } from '../helpers/papers.ts';
import type { Kv } from '../../src/store/index.ts';
import { createStores } from '../../src/store/index.ts';
import { CHANGES_KEPT } from '../../src/store/papers.ts';
import { deserializeValue, keyvKv, serializeValue } from '../../src/store/kv.ts';

const paper = (n: number) => numberedPaper(n, { prefix: '1234', date: '2025-11-20', title: `p${n}` });

/** A memory Kv whose writes of keys matching `pattern` fail while `broken` is true. */
function faultyKv(pattern: RegExp) {
  const inner = keyvKv(
    new Keyv({ store: new Map(), serialize: serializeValue, deserialize: deserializeValue, throwOnErrors: true }),
    { backend: 'memory://' },
  );
  const state = { broken: true };
  const check = (keys: string[]) => {
    if (state.broken && keys.some((k) => pattern.test(k))) throw new Error('disk full');
  };
  const kv: Kv = {
    ...inner,
    set: async (key, value) => (check([key]), inner.set(key, value)),
    setMany: async (entries) => (check(entries.map((e) => e.key)), inner.setMany(entries)),
  };
  return { kv, state };
}

it('a paper upsert interrupted after the index write is completed by the retry', async () => {
  const { kv, state } = faultyKv(/^paper:/);
  const stores = createStores(kv, { kind: 'memory', log: { warn: () => {} }, now: () => new Date() });
  await assert.rejects(stores.papers.upsertMany([paper(1), paper(2)]), /disk full/);
  assert.deepEqual(await stores.papers.latest(), [], 'half-written ids are not listed as papers');
  assert.equal(await stores.papers.revision(), 0);
  state.broken = false;
  const retried = await stores.papers.upsertMany([paper(1), paper(2)]);
  assert.deepEqual(retried.added.map((p) => p.id), [paper(1).id, paper(2).id]);
  assert.equal(await stores.papers.count(), 2);
  assert.equal((await stores.papers.latest()).length, 2);
  assert.equal(await stores.papers.revision(), 1);
});

it('an outbox enqueue interrupted after the queue write is completed by the retry', async () => {
  const { kv, state } = faultyKv(/^outbox:m/);
  const stores = createStores(kv, { kind: 'memory', log: { warn: () => {} }, now: () => new Date() });
  const entry = { id: 'm1', target: { kind: 'channel' as const, channelId: 'c', guildId: 'g' }, body: 1, paperIds: [] };
  await assert.rejects(stores.outbox.enqueueMany([entry]), /disk full/);
  assert.deepEqual(await stores.outbox.pending(), []);
  state.broken = false;
  assert.deepEqual(await stores.outbox.enqueueMany([entry]), ['m1']);
  assert.deepEqual((await stores.outbox.pending()).map((e) => e.id), ['m1']);
});

it('a cut-short write retried under another date lists each paper once: the next write repairs the listings', async () => {
  const { kv, state } = faultyKv(/^paper:/);
  const stores = createStores(kv, { kind: 'memory', log: { warn: () => {} }, now: () => new Date() });
  await assert.rejects(stores.papers.upsertMany([paper(1), paper(2)]), /disk full/);
  assert.equal(await stores.papers.writeInterrupted(), true);
  state.broken = false;
  // The same papers arrive again from a digest of another day: the ids cut short under 2025-11-20 are stale there.
  const later = (n: number) => ({ ...paper(n), date: '2025-11-21' });
  await stores.papers.upsertMany([later(1), later(2), later(3)]);
  const listed: string[] = [];
  for await (const p of stores.papers.all()) listed.push(p.id);
  assert.deepEqual(listed.sort(), [paper(1).id, paper(2).id, paper(3).id], 'each paper once, under its own date');
  assert.equal(await stores.papers.writeInterrupted(), false);
  assert.equal(await stores.papers.count(), 3);
  assert.deepEqual(await stores.papers.dates(), [{ date: '2025-11-21', count: 3 }]);
});

it('repair() drops what a cut-short write listed without records and recounts; a clean store has nothing to repair', async () => {
  const { kv, state } = faultyKv(/^paper:/);
  const stores = createStores(kv, { kind: 'memory', log: { warn: () => {} }, now: () => new Date() });
  state.broken = false;
  await stores.papers.upsertMany([paper(1)]);
  assert.equal(await stores.papers.repair(), 0);
  state.broken = true;
  await assert.rejects(stores.papers.upsertMany([paper(2), paper(3)]), /disk full/);
  state.broken = false;
  assert.equal(await stores.papers.count(), 3, 'the cut-short write counted papers it never stored');
  assert.equal(await stores.papers.repair(), 2);
  assert.equal(await stores.papers.writeInterrupted(), false);
  assert.equal(await stores.papers.count(), 1);
  assert.deepEqual(await stores.papers.dates(), [{ date: '2025-11-20', count: 1 }]);
});

it('a write after a cut-short one records its changes as unknown: whoever catches up must reread everything', async () => {
  const { kv, state } = faultyKv(/^paper:/);
  const stores = createStores(kv, { kind: 'memory', log: { warn: () => {} }, now: () => new Date() });
  state.broken = false;
  await stores.papers.upsertMany([paper(1)]);
  const before = await stores.papers.revision();
  assert.deepEqual(await stores.papers.changesSince(0), { revision: before, ids: [paper(1).id] });
  state.broken = true;
  await assert.rejects(stores.papers.upsertMany([paper(2)]), /disk full/);
  state.broken = false;
  await stores.papers.upsertMany([paper(3)]);
  assert.equal(await stores.papers.changesSince(before), undefined, 'the cut-short write changed records no change record names');
  const after = await stores.papers.revision();
  await stores.papers.upsertMany([paper(4)]);
  assert.deepEqual(await stores.papers.changesSince(after), { revision: after + 1, ids: [paper(4).id] }, 'later writes are listed again');
});

it('keeps the changes of the last CHANGES_KEPT writes only: older ones are dropped as new ones are written', async () => {
  const { kv, state } = faultyKv(/^never$/);
  state.broken = false;
  const stores = createStores(kv, { kind: 'memory', log: { warn: () => {} }, now: () => new Date() });
  for (let n = 0; n < CHANGES_KEPT + 2; n++) await stores.papers.upsertMany([paper(n)]);
  const now = await stores.papers.revision();
  assert.equal(now, CHANGES_KEPT + 2);
  assert.equal(await stores.papers.changesSince(1), undefined, 'further back than kept');
  assert.equal((await stores.papers.changesSince(now - CHANGES_KEPT))?.ids.length, CHANGES_KEPT);
  assert.equal(await kv.get('papers:changes:1'), undefined, 'the oldest record is gone');
});
