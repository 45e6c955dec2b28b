import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SearchIndex } from '../../src/search/index.ts';
import { numberedPaper } from '../helpers/papers.ts';
import { rng } from '../../bench/lib/rng.ts';

/**
 * Queries score only the postings of their final candidates (`score`: after intersections, exclusions and
 * filters). That must be invisible: the same results, totals and scores as scoring every posting.
 */
test('scoring only the candidates gives the same results as scoring every posting', () => {
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
  const plain = new SearchIndex();
  plain.add(papers);
  // The reference scores every posting of every word.
  (plain as unknown as { scoreEverything: boolean }).scoreEverything = true;
  const queries = [
    ...Array.from({ length: 40 }, () => `${pick(latin)} ${pick(latin)}`),
    ...Array.from({ length: 30 }, () => pick(cjk)),
    ...Array.from({ length: 20 }, () => `${pick(cjk)} ${pick(latin)} -${pick(latin)}`),
    ...Array.from({ length: 10 }, () => `"${pick(latin)} ${pick(latin)}" ${pick(latin)}`),
    ...Array.from({ length: 10 }, () => `${pick(cjk)} OR ${pick(latin)} author:${pick(['zhang', 'lee'])}`),
    ...Array.from({ length: 10 }, () => `${pick(latin)} ${pick(latin).slice(0, 3)}`),
    'robot zzzunknown',
    'reinforcement learning',
    '强化学习 视频',
  ];
  let restrictedHits = 0;
  const suggestions = [...queries.slice(0, 20), '强', 'rob', 'graph vis'];
  for (const q of suggestions) assert.deepEqual(ix.suggest(q), plain.suggest(q), `suggest ${q}`);
  for (const q of queries) {
    const got = ix.search(q, { limit: 50 });
    const want = plain.search(q, { limit: 50 });
    assert.equal(got.total, want.total, q);
    assert.equal(got.relaxed, want.relaxed, q);
    assert.deepEqual(got.results, want.results, q);
    if (!got.relaxed && got.total > 0 && got.total < papers.length) restrictedHits++;
  }
  assert.ok(restrictedHits > 20, 'the queries leave postings outside the candidates');
});
