import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SearchIndex, SnapshotError, snapshotRevision } from '../../src/search/index.ts';
import type { Paper } from '../../src/digest/types.ts';
import { paperMaker } from '../helpers/papers.ts';

const paper = paperMaker({ prefix: '2501', date: '2025-01-10' });

const video = paper('视频即答案：基于联合GRPO的下一视频事件预测与生成', {
  titleOriginal: 'Video-as-Answer: Predict and Generate Next Video Event with Joint-GRPO',
  authors: ['Junhao Cheng', 'Liang Hou'],
  date: '2025-11-23',
});
const diffusionTitle = paper('基于扩散模型的图像生成', { abstract: '我们研究图像生成。', date: '2025-03-01' });
const diffusionAbstract = paper('一种新的图像编辑方法', { abstract: '本文使用扩散模型进行图像编辑。', date: '2025-03-02' });
const organ = paper('Transformers for Organ Segmentation', { authors: ['Alice Smith', 'Bob Jones'], source: 'biorxiv' });
const organApart = paper('Organ atlases and the segmentation of everything', { date: '2024-12-01' });
const gan = paper('GANs for Art Generation', { abstract: 'Generative adversarial networks paint.', date: '2024-10-05' });
const older = paper('Identical Twin Title', { date: '2024-01-01' });
const newer = paper('Identical Twin Title', { date: '2024-06-01' });
const survey = paper('A Survey of Graph Neural Networks', { date: '2024-09-01' });
const gnn = paper('Graph Neural Networks for Molecules', { date: '2024-09-02' });
const corpus = [video, diffusionTitle, diffusionAbstract, organ, organApart, gan, older, newer, survey, gnn];

function build(papers: Paper[] = corpus): SearchIndex {
  const ix = new SearchIndex();
  ix.add(papers);
  return ix;
}
const ids = (ix: SearchIndex, q: string, limit = 10): string[] => ix.search(q, { limit }).results.map((r) => r.id);

test('a Chinese title is found by a Chinese phrase, by GRPO and by grpo', () => {
  const ix = build();
  for (const q of ['视频事件预测', 'GRPO', 'grpo', '下一视频', 'Joint-GRPO', 'next video event']) {
    assert.equal(ids(ix, q)[0], video.id, q);
  }
});

test('title matches outrank abstract matches', () => {
  const r = ids(build(), '扩散模型');
  assert.deepEqual(r.slice(0, 2), [diffusionTitle.id, diffusionAbstract.id]);
});

test('quoted phrases need adjacent words', () => {
  const ix = build();
  assert.deepEqual(ids(ix, '"organ segmentation"'), [organ.id]);
  assert.deepEqual(new Set(ids(ix, 'organ segmentation')), new Set([organ.id, organApart.id]));
});

test('exclusions and OR', () => {
  const ix = build();
  assert.deepEqual(ids(ix, 'graph neural networks -survey'), [gnn.id]);
  assert.deepEqual(new Set(ids(ix, 'molecules OR survey')), new Set([gnn.id, survey.id]));
});

test('filters: author, source, from, to', () => {
  const ix = build();
  assert.deepEqual(ids(ix, 'author:jones'), [organ.id]);
  assert.deepEqual(ids(ix, 'author:"Alice Smith" transformers'), [organ.id]);
  assert.deepEqual(ids(ix, 'author:"Bob Smith"'), []);
  assert.deepEqual(ids(ix, 'segmentation source:biorxiv'), [organ.id]);
  assert.deepEqual(ids(ix, 'graph from:2024-09-02'), [gnn.id]);
  assert.deepEqual(ids(ix, 'graph to:2024-09-01'), [survey.id]);
  const r = build().search('graph from:someday');
  assert.ok(r.errors.length > 0);
});

test('ties are broken newest first', () => {
  assert.deepEqual(ids(build(), 'identical twin'), [newer.id, older.id]);
});

test('small typos match with a lower score; prefixes complete the last word', () => {
  const ix = build();
  const exact = ix.search('segmentation').results[0]!;
  const typo = ix.search('segmentatoin').results[0]!;
  assert.equal(typo.id, exact.id);
  assert.ok(typo.score < exact.score);
  assert.deepEqual(ids(ix, 'transfomers'), [organ.id]);
  assert.deepEqual(ids(ix, 'gaan'), [], 'no typo tolerance under 5 letters');
  assert.deepEqual(ids(ix, 'transfo'), [organ.id]);
  assert.deepEqual(ids(ix, 'transfo '), [], 'a trailing space ends the prefix');
});

test('GAN matches GANs but not organ', () => {
  assert.deepEqual(ids(build(), 'GAN'), [gan.id]);
});

test('results carry display metadata and matched terms for highlighting', () => {
  const r = build().search('视频事件预测 grpo').results[0]!;
  assert.equal(r.id, video.id);
  assert.equal(r.title, video.title);
  assert.equal(r.firstAuthor, 'Junhao Cheng');
  assert.equal(r.date, '2025-11-23');
  assert.equal(r.source, 'arxiv');
  assert.deepEqual(new Set(r.matchedTerms), new Set(['视频事件预测', 'grpo']));
});

test('when no paper has every word, results match some words and say so', () => {
  const r = build().search('organ zebra');
  assert.equal(r.relaxed, true);
  assert.ok(r.results.some((x) => x.id === organ.id));
  assert.equal(build().search('organ').relaxed, false);
});

test('paging with limit and offset', () => {
  const ix = build();
  const all = ix.search('graph OR identical', { limit: 10 });
  assert.equal(all.total, 4);
  const page2 = ix.search('graph OR identical', { limit: 2, offset: 2 });
  assert.deepEqual(page2.results.map((r) => r.id), all.results.slice(2, 4).map((r) => r.id));
});

test('add replaces a re-added id; remove forgets it', () => {
  const ix = build();
  assert.equal(ix.size, corpus.length);
  ix.add([{ ...gan, title: 'Diffusion beats everything' }]);
  assert.equal(ix.size, corpus.length);
  assert.deepEqual(ids(ix, 'GANs art'), []);
  assert.deepEqual(ids(ix, 'beats everything'), [gan.id]);
  assert.equal(ix.remove(gan.id), true);
  assert.equal(ix.remove(gan.id), false);
  assert.equal(ix.size, corpus.length - 1);
  assert.deepEqual(ids(ix, 'beats everything'), []);
});

test('suggest completes titles and ids', () => {
  const ix = build();
  assert.deepEqual(ix.suggest('graph neu').map((s) => s.id).sort(), [survey.id, gnn.id].sort());
  assert.deepEqual(ix.suggest(video.arxivId!).map((s) => s.id), [video.id]);
  assert.deepEqual(ix.suggest(`arxiv:${video.arxivId!.slice(0, 7)}`).length, corpus.length);
  assert.equal(ix.suggest('视频')[0]?.id, video.id);
  assert.deepEqual(ix.suggest(''), []);
});

test('snapshots round-trip to identical results and carry the revision', () => {
  const ix = build();
  const snap = ix.toSnapshot(42);
  assert.equal(snapshotRevision(snap), 42);
  const loaded = SearchIndex.fromSnapshot(snap);
  assert.equal(loaded.size, ix.size);
  for (const q of ['视频事件预测', 'grpo', '扩散模型', '"organ segmentation"', 'graph -survey', 'author:jones', 'transfomers', 'identical', 'transfo']) {
    assert.deepEqual(loaded.search(q), ix.search(q), q);
  }
  assert.deepEqual(loaded.suggest('graph'), ix.suggest('graph'));
  // A loaded index keeps taking papers.
  loaded.add([paper('Brand new mamba paper')]);
  assert.equal(loaded.search('mamba').total, 1);
  // Node Buffers (a view into a larger pool) load as well.
  const pooled = Buffer.concat([Buffer.from('xx'), Buffer.from(snap)]).subarray(2);
  assert.equal(SearchIndex.fromSnapshot(pooled).size, ix.size);
});

test('a stale or foreign snapshot is detectable', () => {
  const ix = build();
  const old = ix.toSnapshot(1);
  ix.add([paper('Later paper')]);
  const fresh = ix.toSnapshot(2);
  assert.notEqual(snapshotRevision(old), snapshotRevision(fresh));
  assert.equal(snapshotRevision(new Uint8Array([1, 2, 3])), null);
  assert.throws(() => SearchIndex.fromSnapshot(new TextEncoder().encode('definitely not a snapshot')), SnapshotError);
  assert.throws(() => SearchIndex.fromSnapshot(old.subarray(0, old.length - 5)), SnapshotError);
  // A string column whose offsets point past its bytes (the ids column follows the 48-byte header and its length).
  const corrupt = old.slice();
  new DataView(corrupt.buffer).setUint32(56, 0xffffffff, true);
  assert.throws(() => SearchIndex.fromSnapshot(corrupt), SnapshotError);
});

test('hostile queries never throw', () => {
  const ix = build();
  for (const q of ['', '   ', '"', '-', 'OR', '.*+?^${}()|[]\\', 'a'.repeat(100_000), '视'.repeat(100_000), '"a', 'from:', '\u0000', '-"-"']) {
    assert.doesNotThrow(() => ix.search(q), q.slice(0, 20));
    assert.doesNotThrow(() => ix.suggest(q), q.slice(0, 20));
  }
  assert.equal(ix.search('').total, 0);
  assert.equal(ix.search('.*').total, 0);
  assert.equal(new SearchIndex().search('anything').total, 0);
});

test('many papers: pending and compressed postings agree', () => {
  const many: Paper[] = [];
  for (let i = 0; i < 9000; i++) {
    many.push(paper(`Synthetic paper ${i % 7 === 0 ? 'lattice' : 'plain'} 第${i % 5 === 0 ? '量子' : '经典'}章`, { date: `2024-0${1 + (i % 9)}-01` }));
  }
  const ix = build(many);
  const expectLattice = many.filter((_, i) => i % 7 === 0).length;
  assert.equal(ix.search('lattice').total, expectLattice);
  assert.equal(ix.search('量子').total, many.filter((_, i) => i % 5 === 0).length);
  assert.equal(ix.search('lattice 量子').total, many.filter((_, i) => i % 35 === 0).length);
  // Filter-only: every paper scores 0, so the order is newest first, then latest added.
  const filtered = ix.search('source:arxiv', { limit: 5 });
  assert.equal(filtered.total, many.length);
  assert.deepEqual(filtered.results.map((r) => r.id), [8999, 8990, 8981, 8972, 8963].map((i) => many[i]!.id));
  const loaded = SearchIndex.fromSnapshot(ix.toSnapshot(0));
  assert.equal(loaded.search('lattice').total, expectLattice);
  assert.deepEqual(loaded.search('lattice', { limit: 5 }), ix.search('lattice', { limit: 5 }));
});
