/**
 * The store contract, papers: idempotent upserts and the revision, first-seen date and source, listing by date and
 * source, concurrent writers, values that do not decode. One module per capability, each taking a backend;
 * tests/integration/store-contract.test.ts runs them all on every backend (memory, SQLite, Redis, Postgres).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TestBackend } from '../../helpers/backends.ts';
import { channelRecord, collect, contractPaper, withStores } from '../../helpers/store-contract.ts';

/** The papers part of the store contract, for one backend. */
export function papersContract(backend: TestBackend): void {
  it('upserts papers idempotently and bumps the revision only on change', () =>
    withStores(backend, async (s) => {
      assert.equal(await s.papers.revision(), 0);
      const first = await s.papers.upsertMany([contractPaper(1), contractPaper(2), contractPaper(1)]);
      assert.deepEqual(first.added.map((p) => p.id), ['arxiv:2511.00001', 'arxiv:2511.00002']);
      assert.deepEqual(first.updated, []);
      const rev = await s.papers.revision();
      assert.ok(rev > 0);
      assert.deepEqual(await s.papers.get('arxiv:2511.00001'), contractPaper(1));
      const again = await s.papers.upsertMany([contractPaper(1), contractPaper(2)]);
      assert.deepEqual(again, { added: [], updated: [] });
      assert.equal(await s.papers.revision(), rev);
      assert.equal(await s.papers.count(), 2);
      assert.deepEqual(
        (await s.papers.getMany(['arxiv:2511.00002', 'arxiv:nope'])).map((p) => p?.id),
        ['arxiv:2511.00002', undefined],
      );
    }));

  it('keeps the first-seen date and source; a later version updates version and links', () =>
    withStores(backend, async (s) => {
      await s.papers.upsertMany([contractPaper(7)]);
      const rev = await s.papers.revision();
      const later = contractPaper(7, {
        date: '2025-11-22',
        source: 'arxiv-cs',
        version: 2,
        pdfUrl: 'https://arxiv.org/pdf/2511.00007v2',
        codeUrl: 'https://github.com/x/y',
      });
      const result = await s.papers.upsertMany([later]);
      assert.deepEqual(result.added, []);
      assert.equal(result.updated.length, 1);
      const stored = await s.papers.get('arxiv:2511.00007');
      assert.equal(stored?.date, '2025-11-20');
      assert.equal(stored?.source, 'arxiv');
      assert.equal(stored?.version, 2);
      assert.equal(stored?.pdfUrl, 'https://arxiv.org/pdf/2511.00007v2');
      assert.equal(stored?.codeUrl, 'https://github.com/x/y');
      assert.ok((await s.papers.revision()) > rev);
      // An older version seen afterwards changes nothing.
      assert.deepEqual(await s.papers.upsertMany([contractPaper(7, { date: '2025-11-23' })]), { added: [], updated: [] });
      assert.equal(await s.papers.count(), 1);
      assert.deepEqual(await s.papers.dates(), [{ date: '2025-11-20', count: 1 }]);
    }));

  it('lists newest date first, undated last, and finds the latest papers per source', () =>
    withStores(backend, async (s) => {
      await s.papers.upsertMany([contractPaper(1, { date: '2025-11-19' }), contractPaper(2, { date: null })]);
      await s.papers.upsertMany([contractPaper(3, { date: '2025-11-21', source: 'biorxiv' }), contractPaper(4, { date: '2025-11-20' })]);
      await s.papers.upsertMany([contractPaper(5, { date: '2025-11-21' })]);
      const ids = await collect(s.papers.ids());
      assert.deepEqual(ids, [3, 5, 4, 1, 2].map((n) => contractPaper(n).id));
      assert.deepEqual((await collect(s.papers.all())).map((p) => p.id), ids);
      assert.deepEqual((await s.papers.latest()).map((p) => p.id), [contractPaper(3).id, contractPaper(5).id]);
      assert.deepEqual((await s.papers.latest('biorxiv')).map((p) => p.id), [contractPaper(3).id]);
      assert.deepEqual((await s.papers.latest('medrxiv')).map((p) => p.id), []);
      // An undated paper that later shows up with a date moves to that date.
      await s.papers.upsertMany([contractPaper(2, { date: '2025-11-18' })]);
      assert.equal((await collect(s.papers.ids())).at(-1), contractPaper(2).id);
      assert.deepEqual((await s.papers.dates()).map((d) => d.date), ['2025-11-21', '2025-11-20', '2025-11-19', '2025-11-18']);
    }));

  it('loses nothing when upserts into the same date index run concurrently', () =>
    withStores(backend, async (s) => {
      const batches = Array.from({ length: 12 }, (_, b) => Array.from({ length: 15 }, (_, i) => contractPaper(b * 100 + i)));
      const results = await Promise.all(batches.map((batch) => s.papers.upsertMany(batch)));
      assert.equal(results.reduce((n, r) => n + r.added.length, 0), 180);
      assert.equal(await s.papers.count(), 180);
      const ids = new Set(await collect(s.papers.ids()));
      for (const batch of batches) for (const p of batch) assert.ok(ids.has(p.id), p.id);
      // Concurrent channel and delivery writes share indexes too.
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => s.channels.put(channelRecord({ channelId: `c${i}`, guildId: 'g1' }))),
      );
      assert.equal((await s.channels.listByGuild('g1')).length, 10);
      await Promise.all(Array.from({ length: 40 }, (_, i) => s.deliveries.markDelivered('channel:c1', [`p${i}`])));
      assert.equal((await s.deliveries.delivered('channel:c1')).length, 40);
    }));

  it('lists what each write changed since a revision, and says when it cannot', () =>
    withStores(backend, async (s) => {
      assert.deepEqual(await s.papers.changesSince(0), { revision: 0, ids: [] });
      await s.papers.upsertMany([contractPaper(1), contractPaper(2)]);
      const r1 = await s.papers.revision();
      await s.papers.upsertMany([contractPaper(2), contractPaper(3)]); // 2 unchanged: not listed
      await s.papers.updateMany([contractPaper(1).id], (p) => ({ ...p, titleOriginal: 'Looked up' }));
      const r3 = await s.papers.revision();
      assert.deepEqual(await s.papers.changesSince(r3), { revision: r3, ids: [] });
      const since1 = await s.papers.changesSince(r1);
      assert.equal(since1?.revision, r3);
      assert.deepEqual([...(since1?.ids ?? [])].sort(), [contractPaper(1).id, contractPaper(3).id]);
      const all = await s.papers.changesSince(0);
      assert.deepEqual([...(all?.ids ?? [])].sort(), [1, 2, 3].map((n) => contractPaper(n).id));
      assert.equal(await s.papers.changesSince(r3 + 5), undefined, 'a revision the store never had');
      assert.equal(await s.papers.changesSince(-1), undefined);
    }));

  it('skips and reports values that do not decode', () =>
    withStores(backend, async (s, warnings) => {
      await s.papers.upsertMany([contractPaper(1), contractPaper(2), contractPaper(3)]);
      // A hand-edited row, a value from a future schema version, and a non-object.
      await s.kv.set('paper:arxiv:2511.00002', { v: 1, id: 'arxiv:2511.00002', title: 42 });
      await s.kv.set('paper:arxiv:2511.00003', { v: 99, ...contractPaper(3) });
      await s.kv.set('channel:bad', 'garbage');
      assert.equal(await s.papers.get('arxiv:2511.00002'), undefined);
      assert.deepEqual((await collect(s.papers.all())).map((p) => p.id), [contractPaper(1).id]);
      assert.ok(warnings.some((w) => w.obj.key === 'paper:arxiv:2511.00002'));
      assert.ok(warnings.some((w) => w.obj.key === 'paper:arxiv:2511.00003'));
      assert.equal(await s.channels.get('bad'), undefined);
      assert.ok(warnings.some((w) => w.obj.key === 'channel:bad'));
      // A corrupt record is replaced by the next good upsert of the same paper.
      await s.papers.upsertMany([contractPaper(2)]);
      assert.deepEqual(await s.papers.get('arxiv:2511.00002'), contractPaper(2));
    }));
}
