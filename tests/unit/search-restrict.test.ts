import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SearchIndex } from '../../src/search/index.ts';
import { numberedPaper } from '../helpers/papers.ts';
import { rng } from '../../bench/lib/rng.ts';

/**
 * Queries of required words score only the postings inside their intersection (`restrictToAll`). That must be
 * invisible: the same results, totals and scores as scoring every posting.
 */
test('scoring only the intersection of required words gives the same results as scoring every posting', () => {
  const rand = rng(5);
  const latin = ['robot', 'policy', 'diffusion', 'graph', 'vision', 'token', 'reward', 'sparse', 'model', 'agent'];
  const cjk = ['模型', '视频', '生成', '强化学习', '图像', '语言', '数据集', '机器人'];
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  const words = (list: readonly string[], n: number, sep: string): string => Array.from({ length: n }, () => pick(list)).join(sep);
  const papers = Array.from({ length: 400 }, (_, i) =>
    numberedPaper(i + 1, {
      title: words(cjk, 2 + Math.floor(rand() * 3), ''),
      titleOriginal: words(latin, 3 + Math.floor(rand() * 4), ' '),
      abstract: words(cjk, 10 + Math.floor(rand() * 20), '，'),
      abstractOriginal: words(latin, 20 + Math.floor(rand() * 40), ' '),
      authors: [pick(['Wei Zhang', 'Ann Lee', 'Tom Hardy'])],
    }),
  );
  const ix = new SearchIndex();
  ix.add(papers);
  // Restrict whatever the word counts (the index does so only once a word has many postings).
  (ix as unknown as { restrictMinDf: number }).restrictMinDf = 0;
  const plain = new SearchIndex();
  plain.add(papers);
  // The reference evaluates every query unrestricted.
  (plain as unknown as { restrictToAll: () => null }).restrictToAll = () => null;
  const queries = [
    ...Array.from({ length: 40 }, () => `${pick(latin)} ${pick(latin)}`),
    ...Array.from({ length: 30 }, () => pick(cjk)),
    ...Array.from({ length: 20 }, () => `${pick(cjk)} ${pick(latin)} -${pick(latin)}`),
    ...Array.from({ length: 10 }, () => `"${pick(latin)} ${pick(latin)}" ${pick(latin)}`),
    'robot zzzunknown',
  ];
  let restrictedHits = 0;
  for (const q of queries) {
    const got = ix.search(q, { limit: 50 });
    const want = plain.search(q, { limit: 50 });
    assert.equal(got.total, want.total, q);
    assert.equal(got.relaxed, want.relaxed, q);
    assert.deepEqual(got.results, want.results, q);
    if (!got.relaxed && got.total > 0 && got.total < papers.length) restrictedHits++;
  }
  assert.ok(restrictedHits > 20, 'the queries exercise the restriction');
});
