import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memorySnapshotFile, openArchive } from '../../src/archive.ts';
import type { FetchedMetadata } from '../../src/metadata/index.ts';
import { memoryMetadataClient } from '../../src/metadata/index.ts';
import { createMetadataJob } from '../../src/jobs/metadata.ts';
import { memoryStores } from '../../src/store/index.ts';
import { silentLog } from '../helpers/log.ts';
import { paperMaker } from '../helpers/papers.ts';

const paper = paperMaker({ prefix: '2511' });
const fetched = (key: string, title: string): FetchedMetadata => ({
  source: 'arxiv', key, title, abstract: `${title} abstract`, authors: ['Wei Zhang', 'Sergey Levine'], categories: ['cs.LG'],
  primaryCategory: 'cs.LG', comment: null, journalRef: null, publishedDoi: null, firstPublished: null, updated: null, latestVersion: 1,
});

describe('metadata job (in-memory clients)', () => {
  it('looks new papers up, back-fills the rest resumably, never twice, and keeps the index in step', async () => {
    const stores = await memoryStores();
    const archive = await openArchive({ stores, snapshot: memorySnapshotFile() });
    const papers = Array.from({ length: 5 }, (_, i) => paper(`中文标题${i}`));
    await stores.papers.upsertMany(papers);
    await archive.indexPapers(papers, { from: 0, to: await stores.papers.revision(), writes: 1 });
    const known = new Map(papers.slice(0, 4).map((p, i) => [p.arxivId!, fetched(p.arxivId!, `English Title Number${i}`)]));
    const arxiv = memoryMetadataClient(known);
    const biorxiv = memoryMetadataClient(new Map());
    const announced: string[] = [];
    const job = createMetadataJob({
      archive, clients: { arxiv, biorxiv }, log: silentLog(), budgetMs: 5000, chunk: 2,
      onChanged: async (changed) => void announced.push(...changed.map((p) => p.id)),
    });

    arxiv.down = true;
    const down = await job.enrichNew(papers.slice(0, 1));
    assert.equal(down?.failed, 1);
    const paused = await job.backfill();
    assert.match(paused.lastError ?? '', /service down/);
    assert.equal(paused.pending, 5);

    arxiv.down = false;
    const progress = await job.backfill();
    assert.deepEqual([progress.total, progress.done, progress.pending, progress.lastError], [5, 5, 0, null]);
    assert.equal((await stores.papers.get(papers[0]!.id))?.titleOriginal, 'English Title Number0');
    assert.equal((await stores.papers.get(papers[4]!.id))?.meta?.status, 'not-found');
    assert.equal(archive.index.search('Number3').results[0]?.id, papers[3]!.id);
    assert.equal(archive.revision, await stores.papers.revision(), 'the index followed every write');
    assert.equal(announced.length, 5);
    assert.deepEqual(await job.progress(), progress);

    const asked = arxiv.asked.length;
    await job.backfill();
    await job.enrichNew(papers);
    assert.equal(arxiv.asked.length, asked, 'nothing is looked up twice');
    await job.stop();
  });

  it('a run never waits longer than its budget', async () => {
    const stores = await memoryStores();
    const archive = await openArchive({ stores, snapshot: memorySnapshotFile() });
    const slow = {
      requests: 0,
      lookup: (_keys: readonly string[], signal?: AbortSignal) =>
        new Promise<never>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error))),
    };
    const p = paper('x');
    await stores.papers.upsertMany([p]);
    const job = createMetadataJob({ archive, clients: { arxiv: slow, biorxiv: slow }, log: silentLog(), budgetMs: 150 });
    const started = performance.now();
    const report = await job.enrichNew([p]);
    assert.ok(performance.now() - started < 1000);
    assert.equal(report?.pending ?? 1, 1);
    await job.stop();
  });
});
