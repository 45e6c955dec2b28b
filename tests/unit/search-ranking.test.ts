/**
 * Ranking rules added after comparing known-item results with the MiniSearch baseline (bench/search.ts):
 * exact word forms over shared stems, one score per word (not per completion), Latin words normalised by
 * the original title, CJK words on word boundaries, BM25+ per field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SearchIndex, SNAPSHOT_FORMAT } from '../../src/search/index.ts';
import type { Paper } from '../../src/digest/types.ts';
import { paperMaker } from '../helpers/papers.ts';

const paper = paperMaker({ prefix: '2502', date: '2025-02-01' });

/** Filler papers so that document frequencies look like an archive, not a three-paper toy. */
function filler(count: number): Paper[] {
  return Array.from({ length: count }, (_, i) => paper(`Filler study number ${i} of nothing in particular`, { abstract: 'Nothing to see.' }));
}

const ids = (ix: SearchIndex, q: string): string[] => ix.search(q).results.map((r) => r.id);

test('the word as typed outranks other words sharing its stem, in an otherwise shorter title', () => {
  // `painting` stems to `paint`; the shorter title would win on BM25 alone.
  const painting = paper('Cell painting', { date: '2025-03-01' });
  const paint = paper('Fibril paint: a class of amyloid targeting peptides for imaging', { date: '2025-01-01' });
  const ix = new SearchIndex();
  ix.add([painting, paint, ...filler(50)]);
  assert.deepEqual(ids(ix, 'paint').slice(0, 2), [paint.id, painting.id]);
  // And the other way round: the exact form `painting` prefers the Cell Painting paper.
  assert.equal(ids(ix, 'painting')[0], painting.id);
});

test('a word counts once even when its prefix completions also match the same paper', () => {
  // `leap` is rare, so as the last word it is completed to `leapvad` too; LeapVAD has both forms, LeAP one.
  const leapvad = paper('LeapVAD: a leap in autonomous driving', { date: '2025-03-01' });
  const leap = paper('LeAP: consistent multi-domain 3D labeling using foundation models', { date: '2025-01-01' });
  const ix = new SearchIndex();
  ix.add([leapvad, leap, ...filler(50)]);
  const [first] = ix.search('leap').results;
  const hitLeap = ix.search('leap').results.find((r) => r.id === leap.id)!;
  // Both titles hold `leap` as a word; the completion must not add a second full score to LeapVAD.
  assert.ok(first!.score < hitLeap.score * 1.5, `${first!.score} vs ${hitLeap.score}`);
});

test('Latin words are length-normalised by the original title, not by its translation', () => {
  // The target's English title is short but its translation long; the other paper is the reverse.
  const target = paper('通过非平衡熵产生实现细胞骨架结构的适应性灵活性以及许多其他相关的有趣现象', {
    titleOriginal: 'Nonequilibrium cytoskeletal flexibility',
    date: '2025-01-01',
  });
  const other = paper('群体行为的非平衡动力学', {
    titleOriginal: 'Model-free learning of probability flows: elucidating the nonequilibrium dynamics of flocking birds in the wild',
    date: '2025-03-01',
  });
  const ix = new SearchIndex();
  ix.add([target, other, ...filler(50)]);
  assert.deepEqual(ids(ix, 'nonequilibrium').slice(0, 2), [target.id, other.id]);
  // A CJK word is still judged by the displayed title: there the short translation wins.
  assert.deepEqual(ids(ix, '非平衡').slice(0, 2), [other.id, target.id]);
});

test('a CJK word on word boundaries outranks the same characters straddling two words', () => {
  // 和服 (kimono) straddles 和|服务 in the shorter, newer title; only the other has the word.
  const straddle = paper('数据和服务研究', { date: '2025-03-01' });
  const word = paper('日本和服的历史研究', { date: '2025-01-01' });
  const ix = new SearchIndex();
  ix.add([straddle, word, ...filler(50)]);
  assert.deepEqual(ids(ix, '和服').slice(0, 2), [word.id, straddle.id]);
});

test('a word rare in titles but common in abstracts ranks the title match first (per-field idf)', () => {
  // `pruned` shares the stem of `pruning` but not its form, so no exact-word bonus decides this.
  const inTitle = paper('Pruned sparse networks with a long descriptive title about many other things', { date: '2025-01-01' });
  const inAbstracts = Array.from({ length: 30 }, (_, i) =>
    paper(`Study ${i}`, { abstract: 'We prune, pruning is what we do: pruning pruning pruning.', date: '2025-03-01' }),
  );
  const ix = new SearchIndex();
  ix.add([inTitle, ...inAbstracts, ...filler(50)]);
  assert.equal(ids(ix, 'pruning')[0], inTitle.id);
});

test('snapshots carry the format that added original-title lengths, and keep the ranking', () => {
  assert.ok(SNAPSHOT_FORMAT >= 2);
  const a = paper('通过非平衡熵产生实现细胞骨架结构的适应性灵活性', { titleOriginal: 'Nonequilibrium cytoskeletal flexibility' });
  const b = paper('无模型概率流学习阐明群体行为的非平衡动力学和其他许多东西', {
    titleOriginal: 'Model-free learning of probability flows: elucidating the nonequilibrium dynamics of flocking birds in the wild',
  });
  const ix = new SearchIndex();
  ix.add([a, b, ...filler(20)]);
  const copy = SearchIndex.fromSnapshot(ix.toSnapshot(1));
  assert.deepEqual(copy.search('nonequilibrium').results, ix.search('nonequilibrium').results);
  // Removal keeps the original-title average consistent with a fresh index of the remaining papers.
  ix.remove(b.id);
  const fresh = new SearchIndex();
  fresh.add([a, ...filler(20)]);
  assert.equal(ix.search('nonequilibrium').results[0]!.id, fresh.search('nonequilibrium').results[0]!.id);
});
