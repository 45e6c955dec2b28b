/**
 * Issue 15 item 2: one oversized word never poisons the store. A paper whose abstract is one 6-million-letter word,
 * stored by a release without limits, must not stop the search index, `cli search` or the preview from starting;
 * the same digest ingested now is stored within the limits and costs nothing but its own abstract's length.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { memorySnapshotFile, openArchive } from '../../src/archive.ts';
import { loadConfig } from '../../src/config.ts';
import type { Paper } from '../../src/digest/types.ts';
import { diskDigestFolder } from '../../src/jobs/digest-folder.ts';
import { ingestFolder } from '../../src/jobs/ingest.ts';
import { sqlitePathIn } from '../../src/paths.ts';
import { startPreview } from '../../src/preview/index.ts';
import { openStores } from '../../src/store/index.ts';
import { PAPER_LIMITS } from '../../src/store/limits.ts';
import { digestMarkdown, rows } from '../helpers/digests.ts';
import { silentLog } from '../helpers/log.ts';

const HUGE = 'a'.repeat(6_000_000);
const dir = mkdtempSync(join(tmpdir(), 'adb-huge-'));
const dataDir = join(dir, 'data');
const store = `sqlite://${sqlitePathIn(dataDir)}`;

function paper(n: number, abstract: string): Paper {
  return {
    id: `arxiv:2601.${n}`, arxivId: `2601.${n}`, version: 1, doi: null, source: 'arxiv', date: '2026-01-10', published: null,
    title: `Robust poisoning test paper ${n}`, titleOriginal: null, authors: ['Ada Lovelace'], abstract, abstractOriginal: null,
    pdfUrl: null, url: `https://arxiv.org/abs/2601.${n}`, codeUrl: null, notes: null,
  };
}

describe('an oversized stored record (issue 15 item 2)', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a 6-million-letter word stored by an older release: index, cli search and the preview all start', async () => {
    mkdirSync(dataDir, { recursive: true });
    const stores = await openStores(store, { namespace: 'arxiv-digest-bot' });
    await stores.papers.upsertMany([paper(10001, 'A short abstract.'), paper(10002, 'placeholder')]);
    // What a release without limits wrote: the record as it is, straight into the key/value store.
    await stores.kv.set('paper:arxiv:2601.10002', { v: 1, ...paper(10002, HUGE) });
    await stores.close();

    const reopened = await openStores(store, { namespace: 'arxiv-digest-bot' });
    try {
      const archive = await openArchive({ stores: reopened, snapshot: memorySnapshotFile(), log: silentLog() });
      assert.equal(archive.index.size, 2);
      assert.deepEqual(archive.index.search('poisoning 10002').results.map((r) => r.id), ['arxiv:2601.10002']);
      const shown = await reopened.papers.get('arxiv:2601.10002');
      assert.ok((shown?.abstract?.length ?? 0) <= PAPER_LIMITS.text, 'read back within the limits');
    } finally {
      await reopened.close();
    }

    const search = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'search', 'poisoning', '--store', store], {
      encoding: 'utf8',
      env: { ...process.env, DATA_DIR: dataDir, KEYV_URL: '' },
    });
    assert.equal(search.status, 0, search.stderr);
    assert.equal((JSON.parse(search.stdout) as { total: number }).total, 2);

    // One digest of its own, so the preview opens this store (an empty folder shows the bundled sample instead).
    const digestDir = join(dir, 'preview-digests');
    mkdirSync(digestDir);
    writeFileSync(join(digestDir, '2026-01-12-arxiv.md'), digestMarkdown('2026-01-12', rows(1, 62000)));
    const config = loadConfig({ DATA_DIR: dataDir, DIGEST_DIR: digestDir, PREVIEW_PORT: '0' }, null);
    const preview = await startPreview(config, silentLog());
    try {
      assert.equal((await fetch(preview.url)).status, 200);
      // A path starting with `//` is a path, not a host (it was a 500).
      assert.equal((await fetch(`${preview.url}/`)).status, 200);
      assert.equal(preview.archive.index.size, 3, 'the two stored papers and the folder\'s one');
    } finally {
      await preview.stop();
    }
  });

  it('a digest with a 6-million-letter abstract is ingested within the limits, the rest of it untouched', async () => {
    const digestDir = join(dir, 'digests');
    mkdirSync(digestDir, { recursive: true });
    const papers = rows(3, 30000, '超长摘要');
    papers[1] = { ...papers[1]!, abstract: HUGE };
    writeFileSync(join(digestDir, '2026-01-11-arxiv.md'), digestMarkdown('2026-01-11', papers));
    const stores = await openStores('memory://', { namespace: 'huge' });
    try {
      const archive = await openArchive({ stores, snapshot: memorySnapshotFile(), log: silentLog() });
      const report = await ingestFolder({ archive, folder: diskDigestFolder(digestDir), log: silentLog() });
      assert.equal(report.added.length, 3, JSON.stringify(report.failures));
      const stored = await stores.papers.get(`arxiv:${papers[1]!.arxivId}`);
      assert.ok(stored, 'the paper with the huge abstract is stored');
      assert.ok((stored.abstract?.length ?? 0) <= PAPER_LIMITS.text, `abstract cut to the limit, was ${stored.abstract?.length}`);
      for (const p of papers) assert.ok(archive.index.has(`arxiv:${p.arxivId}`), `${p.arxivId} indexed`);
      assert.equal(archive.index.search(`超长摘要${30001}`).results[0]?.id, `arxiv:${papers[1]!.arxivId}`);
    } finally {
      await stores.close();
    }
  });
});
