import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLog, encodeLogRecord, memorySnapshotFile, openArchive } from '../../src/archive.ts';
import type { Paper } from '../../src/digest/types.ts';
import { numberedPaper } from '../helpers/papers.ts';
import { memoryStores } from '../../src/store/index.ts';

const paper = (n: number, title: string) => numberedPaper(n, { prefix: '2601', date: '2026-01-01', title, authors: ['A'] });

describe('archive: the index in step with the store', () => {
  it('loads a current snapshot instead of rebuilding, and rebuilds a stale one', async () => {
    const stores = await memoryStores();
    await stores.papers.upsertMany([paper(1, 'Graph transformers')]);
    const snapshot = memorySnapshotFile();
    const first = await openArchive({ stores, snapshot });
    assert.equal(first.origin, 'rebuilt');
    assert.equal((await openArchive({ stores, snapshot })).origin, 'snapshot');
    await stores.papers.upsertMany([paper(2, 'Diffusion policies')]);
    const stale = await openArchive({ stores, snapshot });
    assert.equal(stale.origin, 'rebuilt');
    assert.equal(stale.index.search('diffusion').total, 1);
  });

  it('never claims papers it has not seen: a foreign write leaves it behind, and refresh catches up', async () => {
    const stores = await memoryStores();
    const snapshot = memorySnapshotFile();
    const archive = await openArchive({ stores, snapshot });
    // Another process (the command line, another shard) stores a paper this index never hears of …
    await stores.papers.upsertMany([paper(1, 'Foreign paper')]);
    // … then this process stores one and tells the index, with the revisions around its own write.
    const from = await stores.papers.revision();
    await stores.papers.upsertMany([paper(2, 'Own paper')]);
    const to = await stores.papers.revision();
    assert.equal(await archive.indexPapers([paper(2, 'Own paper')], { from, to, writes: 1 }), false, 'the foreign write is not covered');
    await archive.saveSnapshot();
    // A restart must not trust that snapshot.
    const restarted = await openArchive({ stores, snapshot });
    assert.equal(restarted.origin, 'rebuilt');
    assert.equal(restarted.index.search('foreign').total, 1);
    const before = archive.index;
    assert.equal(await archive.refresh(), 'caught-up');
    assert.equal(archive.index, before, 'caught up in place: the store listed what changed, nothing was rebuilt');
    assert.equal(archive.index.search('foreign').total, 1);
    assert.equal(archive.index.size, 2);
    assert.equal(await archive.refresh(), 'current', 'in step now');
  });

  it('adopts its own writes when nothing else happened in between', async () => {
    const stores = await memoryStores();
    const archive = await openArchive({ stores, snapshot: memorySnapshotFile() });
    const from = await stores.papers.revision();
    await stores.papers.upsertMany([paper(3, 'Only writer')]);
    const to = await stores.papers.revision();
    assert.equal(await archive.indexPapers([paper(3, 'Only writer')], { from, to, writes: 1 }), true);
    assert.equal(await archive.refresh(), 'current', 'no rebuild needed');
  });

  it('catches up with papers changed in place by another process, and a restart keeps what it caught up', async () => {
    const stores = await memoryStores();
    await stores.papers.upsertMany([paper(1, 'Old wording'), paper(2, 'Second paper')]);
    const snapshot = memorySnapshotFile();
    const archive = await openArchive({ stores, snapshot });
    // Another process looks the metadata up and adds a paper.
    await stores.papers.updateMany([paper(1, '').id], (p) => ({ ...p, title: 'Kolmogorov wording' }));
    await stores.papers.upsertMany([paper(3, 'Third paper')]);
    assert.equal(await archive.refresh(), 'caught-up');
    assert.equal(archive.index.search('kolmogorov').total, 1);
    assert.equal(archive.index.search('old wording').total, 0, 'the old wording is replaced, not kept beside');
    assert.equal(archive.index.size, 3);
    assert.equal(archive.revision, await stores.papers.revision());
    await archive.saveSnapshot();
    const restarted = await openArchive({ stores, snapshot });
    assert.equal(restarted.origin, 'snapshot');
    assert.equal(restarted.index.search('kolmogorov').total, 1);
    assert.equal(restarted.index.search('third').total, 1);
  });

  it('rebuilds when the store cannot list what changed (change records older than it keeps, or a store from before them)', async () => {
    const stores = await memoryStores();
    await stores.papers.upsertMany([paper(1, 'First paper')]);
    const archive = await openArchive({ stores, snapshot: memorySnapshotFile() });
    await stores.papers.upsertMany([paper(2, 'Foreign paper')]);
    // A store written by a release without change records has none to read.
    await stores.kv.deleteMany([`papers:changes:${await stores.papers.revision()}`]);
    const before = archive.index;
    assert.equal(await archive.refresh(), 'rebuilt');
    assert.notEqual(archive.index, before);
    assert.equal(archive.index.search('foreign').total, 1);
  });
});

describe('archive: incremental persistence (snapshot + change log)', () => {
  async function ingest(stores: Awaited<ReturnType<typeof memoryStores>>, archive: Awaited<ReturnType<typeof openArchive>>, papers: Paper[]) {
    const from = await stores.papers.revision();
    await stores.papers.upsertMany(papers);
    const to = await stores.papers.revision();
    assert.equal(await archive.indexPapers(papers, { from, to, writes: 1 }), true);
    await archive.saveSnapshot();
  }

  it('appends an ingest to the log instead of rewriting the snapshot, and a restart replays it', async () => {
    const stores = await memoryStores();
    await stores.papers.upsertMany(Array.from({ length: 50 }, (_, i) => paper(i, `Base paper ${i}`)));
    const snapshot = memorySnapshotFile();
    const archive = await openArchive({ stores, snapshot });
    const full = snapshot.bytes();
    assert.ok(full.snapshot > 0);
    assert.ok(full.log < 200, 'a fresh snapshot starts a fresh log (one marker record)');
    await ingest(stores, archive, [paper(100, 'Mamba state spaces'), paper(101, 'Kolmogorov networks')]);
    const after = snapshot.bytes();
    assert.equal(after.snapshot, full.snapshot, 'the snapshot is not rewritten');
    assert.ok(after.log > full.log && after.log < full.snapshot);
    const restarted = await openArchive({ stores, snapshot });
    assert.equal(restarted.origin, 'snapshot');
    assert.equal(restarted.revision, await stores.papers.revision());
    assert.equal(restarted.index.search('kolmogorov').total, 1);
    assert.equal(restarted.index.size, 52);
  });

  it('a torn last record (a kill mid-append) is ignored: the index is stale, so it is rebuilt, never wrong', async () => {
    const stores = await memoryStores();
    const snapshot = memorySnapshotFile();
    const archive = await openArchive({ stores, snapshot });
    await ingest(stores, archive, [paper(1, 'First digest paper')]);
    const good = (await snapshot.readLog())!;
    const torn = encodeLogRecord({ from: archive.revision, to: archive.revision + 1, papers: [paper(2, 'Second digest paper')] });
    await snapshot.append(torn.subarray(0, torn.length - 3));
    assert.equal(decodeLog((await snapshot.readLog())!).length, decodeLog(good).length);
    // The store has the second paper (its write finished before the kill): the replayed index is one behind.
    await stores.papers.upsertMany([paper(2, 'Second digest paper')]);
    const restarted = await openArchive({ stores, snapshot });
    assert.equal(restarted.origin, 'rebuilt');
    assert.equal(restarted.index.search('second').total, 1);
  });

  it('folds the log into a new snapshot once it outgrows its budget, in the background', async () => {
    const stores = await memoryStores();
    const snapshot = memorySnapshotFile();
    const archive = await openArchive({ stores, snapshot, logPolicy: { minBytes: 2000, share: 0, maxBytes: 2000 } });
    const empty = snapshot.bytes().snapshot;
    for (let d = 0; d < 10; d++) {
      await ingest(stores, archive, Array.from({ length: 5 }, (_, i) => paper(d * 10 + i, `Digest ${d} paper ${i} about topic${d}`)));
    }
    await archive.settled();
    assert.ok(snapshot.bytes().snapshot > empty, 'a new snapshot was written');
    assert.ok(snapshot.bytes().log < 10 * 2000, `log folded (${snapshot.bytes().log} bytes left)`);
    const restarted = await openArchive({ stores, snapshot });
    assert.equal(restarted.origin, 'snapshot');
    assert.equal(restarted.index.size, 50);
    for (let d = 0; d < 10; d++) assert.equal(restarted.index.search(`topic${d}`).total, 5);
  });

  it('skips log records that do not follow on from the snapshot', async () => {
    const stores = await memoryStores();
    const snapshot = memorySnapshotFile();
    const archive = await openArchive({ stores, snapshot });
    await snapshot.append(encodeLogRecord({ from: archive.revision + 7, to: archive.revision + 8, papers: [paper(9, 'Never stored')] }));
    const restarted = await openArchive({ stores, snapshot });
    assert.equal(restarted.origin, 'snapshot');
    assert.equal(restarted.index.search('never').total, 0);
  });
});
