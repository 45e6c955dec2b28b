import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memorySnapshotFile, openArchive } from '../../src/archive.ts';
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
    assert.equal(archive.indexPapers([paper(2, 'Own paper')], { from, to, writes: 1 }), false, 'the foreign write is not covered');
    await archive.saveSnapshot();
    // A restart must not trust that snapshot.
    const restarted = await openArchive({ stores, snapshot });
    assert.equal(restarted.origin, 'rebuilt');
    assert.equal(restarted.index.search('foreign').total, 1);
    assert.equal(await archive.refresh(), true);
    assert.equal(archive.index.search('foreign').total, 1);
    assert.equal(await archive.refresh(), false, 'in step now');
  });

  it('adopts its own writes when nothing else happened in between', async () => {
    const stores = await memoryStores();
    const archive = await openArchive({ stores, snapshot: memorySnapshotFile() });
    const from = await stores.papers.revision();
    await stores.papers.upsertMany([paper(3, 'Only writer')]);
    const to = await stores.papers.revision();
    assert.equal(archive.indexPapers([paper(3, 'Only writer')], { from, to, writes: 1 }), true);
    assert.equal(await archive.refresh(), false, 'no rebuild needed');
  });
});
