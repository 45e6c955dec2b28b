/**
 * `cli enrich` (issue 13) as a user runs it, against local arXiv and bioRxiv servers: the JSON contract, nothing
 * looked up twice, the English title/abstract/authors searchable afterwards, `cli export` carrying the new fields.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ARXIV_SAMPLES, PREPRINT_SAMPLES, startFakeArxiv, startFakeBiorxiv } from './servers.ts';
import { CHINESE_ARXIV_DIGEST, TITLELESS_MEDRXIV_DIGEST } from './digests.ts';
import { runScript } from '../helpers/subprocess.ts';

const dir = mkdtempSync(join(tmpdir(), 'adb-enrich-'));
const store = `sqlite://${join(dir, 'cli.sqlite')}`;

/** Runs the CLI as a subprocess without blocking this process (the fake servers live here). */
function cli(env: Record<string, string>, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return runScript('src/cli.ts', args, { env: { ...process.env, DATA_DIR: dir, KEYV_URL: '', METADATA_CONTACT: 'lab@example.org', ...env } }).then(({ code, stdout, stderr }) => ({ status: code, stdout, stderr }));
}

describe('cli enrich', () => {
  let arxiv: Awaited<ReturnType<typeof startFakeArxiv>>;
  let biorxiv: Awaited<ReturnType<typeof startFakeBiorxiv>>;
  let env: Record<string, string>;
  before(async () => {
    arxiv = await startFakeArxiv(ARXIV_SAMPLES, { serializer: '2026' });
    biorxiv = await startFakeBiorxiv(PREPRINT_SAMPLES);
    env = { ARXIV_API_URL: arxiv.apiUrl, BIORXIV_API_URL: biorxiv.url };
    mkdirSync(join(dir, 'digests'));
    writeFileSync(join(dir, 'digests', '2025-11-23-arxiv.md'), CHINESE_ARXIV_DIGEST);
    writeFileSync(join(dir, 'digests', '2025-11-23-medrxiv.md'), TITLELESS_MEDRXIV_DIGEST);
    const ingest = await cli(env, 'ingest', join(dir, 'digests'), '--store', store);
    assert.equal(ingest.status, 0, ingest.stderr);
  });
  after(async () => {
    await arxiv.close();
    await biorxiv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints { papers, requested, enriched, notFound, failed, pending, requests, seconds } and looks nothing up twice', async () => {
    const run = await cli(env, 'enrich', '--store', store);
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as Record<string, number>;
    assert.deepEqual(Object.keys(out), ['papers', 'requested', 'enriched', 'notFound', 'failed', 'pending', 'requests', 'seconds']);
    assert.deepEqual(
      [out.papers, out.requested, out.enriched, out.notFound, out.failed, out.pending, out.requests],
      // 3 arXiv ids in one request; the unknown DOI asks medRxiv then bioRxiv; the known one, medRxiv once.
      [5, 5, 4, 1, 0, 0, 4],
    );
    assert.match(arxiv.seen[0]!.userAgent, /mailto:lab@example\.org/);
    const again = JSON.parse((await cli(env, 'enrich', '--store', store)).stdout) as Record<string, number>;
    assert.deepEqual([again.requested, again.requests, again.pending], [0, 0, 0]);
  });

  it('English, author and category queries find the Chinese-only papers; a title-less row gets its English title', async () => {
    const queries = [
      'diffusion policy robot',
      'author:"Sergey Levine"',
      'author:"Levine, S."',
      'author:"Zhang Wei"',
      'cat:cs.CL',
      'cat:cs.*',
      'Alzheimer plasma',
      '扩散策略',
    ];
    writeFileSync(join(dir, 'queries.txt'), queries.join('\n'));
    const run = await cli(env, 'search', '--queries', join(dir, 'queries.txt'), '--store', store);
    assert.equal(run.status, 0, run.stderr);
    const [english, fullName, initials, chineseOrder, cat, catPrefix, medrxiv, chinese] = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { total: number; results: { id: string; title: string }[] });
    const ids = (r: typeof english) => r!.results.map((x) => x.id).sort();
    assert.equal(english!.results[0]?.id, 'arxiv:2511.16674');
    assert.deepEqual(ids(fullName), ['arxiv:2511.16674', 'doi:10.1101/2025.06.01.25328811']);
    assert.deepEqual(ids(initials), ['arxiv:2511.16674', 'doi:10.1101/2025.06.01.25328811']);
    // "Zhang Wei" is Wei Zhang and Zhang, W. — not Chenhang Christopher Zhang.
    assert.deepEqual(ids(chineseOrder), ['arxiv:2511.16674', 'doi:10.1101/2025.06.01.25328811']);
    assert.deepEqual(ids(cat), ['arxiv:2511.20001']);
    assert.equal(catPrefix!.total, 2);
    assert.equal(medrxiv!.results[0]?.id, 'doi:10.1101/2025.06.01.25328811');
    assert.equal(medrxiv!.results[0]?.title, 'Plasma biomarkers predict Alzheimer disease progression');
    // The Chinese title is still what is shown, and Chinese queries still find it.
    assert.equal(chinese!.results[0]?.title, '用于灵巧机器人操作的扩散策略');
  });

  it('cli export carries the looked-up fields', async () => {
    const run = await cli(env, 'export', '--store', store);
    assert.equal(run.status, 0, run.stderr);
    const paper = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; record: Record<string, unknown> })
      .find((l) => l.kind === 'paper' && l.record.id === 'arxiv:2511.16674');
    assert.ok(paper);
    assert.equal(paper.record.titleOriginal, 'Diffusion Policies for Dexterous Robot Manipulation');
    assert.deepEqual(paper.record.authors, ['Wei Zhang', 'Maria Loconsole', 'Sergey Levine']);
    const meta = paper.record.meta as Record<string, unknown>;
    assert.equal(meta.primaryCategory, 'cs.RO');
    assert.equal(meta.source, 'arxiv');
    assert.equal(meta.latestVersion, 2);
  });
});
