import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SearchIndex } from '../../src/search/index.ts';
import { numberedPaper } from '../helpers/papers.ts';
import { rng } from '../../bench/lib/rng.ts';

/**
 * Queries score only the postings of their final candidates (`score`: after intersections, exclusions and
 * filters), and of many candidates first those matching in a title or an author (`scoreTitledFirst`). That must be
 * invisible: the same results, totals and scores as scoring every posting.
 */
function corpus(seed: number, count: number, titleFillers = 0) {
  const rand = rng(seed);
  const latin = ['robot', 'policy', 'diffusion', 'graph', 'vision', 'token', 'reward', 'sparse', 'model', 'agent'];
  const cjk = ['模型', '视频', '生成', '强化学习', '图像', '语言', '数据集', '机器人'];
  // Other title words, so that the query words are in every abstract but in few titles (as common words are).
  const letters = 'bcdfghjklmnpqrstvwxz';
  const hanzi = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉';
  const fill = (i: number): [string, string] => [`${letters[i % 20]}${letters[Math.floor(i / 20) % 20]}ulon`, `${hanzi[i % 20]}${hanzi[Math.floor(i / 20) % 20]}`];
  const fillers = Array.from({ length: titleFillers }, (_, i) => fill(i));
  const titleLatin = [...latin, ...fillers.map((f) => f[0])];
  const titleCjk = [...cjk, ...fillers.map((f) => f[1])];
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  const words = (list: readonly string[], n: number, sep: string): string => Array.from({ length: n }, () => pick(list)).join(sep);
  const papers = Array.from({ length: count }, (_, i) =>
    numberedPaper(i + 1, {
      title: words(titleCjk, 2 + Math.floor(rand() * 3), ''),
      titleOriginal: words(titleLatin, 3 + Math.floor(rand() * 4), ' '),
      abstract: words(cjk, 10 + Math.floor(rand() * 20), '，'),
      abstractOriginal: words(latin, 20 + Math.floor(rand() * 40), ' '),
      authors: [pick(['Wei Zhang', 'Ann Lee', 'Tom Hardy'])],
    }),
  );
  return { papers, pick, latin, cjk };
}

/** The index under test and the reference (every posting scored); counts the queries the tiers settled early. */
function pair(papers: ReturnType<typeof corpus>['papers']) {
  const ix = new SearchIndex();
  ix.add(papers);
  const pruned = { count: 0 };
  const inner = ix as unknown as { scoreTitledFirst: (plans: unknown, cands: Int32Array, k: number) => Int32Array };
  const first = inner.scoreTitledFirst.bind(ix);
  inner.scoreTitledFirst = (plans, cands, k) => {
    const best = first(plans, cands, k);
    if (best !== cands) pruned.count++;
    return best;
  };
  const plain = new SearchIndex();
  plain.add(papers);
  // The reference scores every posting of every word.
  (plain as unknown as { exhaustive: boolean }).exhaustive = true;
  return { ix, plain, pruned };
}

test('scoring only the candidates gives the same results as scoring every posting', () => {
  const { papers, pick, latin, cjk } = corpus(5, 400);
  const { ix, plain } = pair(papers);
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

test('leaving papers without a title or author match unscored never changes the best results', () => {
  const { papers, pick, latin, cjk } = corpus(9, 3000, 30);
  const { ix, plain, pruned } = pair(papers);
  const queries = [
    ...latin,
    ...cjk,
    ...cjk.map((w) => w[0]!),
    ...Array.from({ length: 20 }, () => `${pick(latin)} ${pick(cjk)}`),
    ...Array.from({ length: 10 }, () => `${pick(latin)} OR ${pick(latin)}`),
    ...Array.from({ length: 10 }, () => `${pick(cjk)} -${pick(latin)}`),
  ];
  for (const q of queries) {
    for (const options of [{ limit: 10 }, { limit: 20, offset: 190 }, { limit: 1000 }]) {
      const got = ix.search(q, options);
      const want = plain.search(q, options);
      assert.equal(got.total, want.total, q);
      assert.deepEqual(got.results, want.results, `${q} ${JSON.stringify(options)}`);
    }
  }
  assert.ok(pruned.count > 20, `the tiers settle many queries early (${pruned.count})`);
});

test('papers matching in their abstracts only are scored whenever they could outrank the titled ones', () => {
  // The word is in 800 long titles (a weak title clue) and in 200 abstracts many times (a strong abstract clue):
  // the abstract-only papers rank first, so the titled ones must not settle the query on their own.
  const papers = Array.from({ length: 1000 }, (_, i) =>
    numberedPaper(i + 1, {
      title: i < 800 ? `kinase ${'padding words of a long title '.repeat(3)}${i}` : `unrelated study ${i}`,
      abstract: i >= 800 ? 'kinase '.repeat(1 + (i % 20)) : 'nothing to see here',
    }),
  );
  const { ix, plain, pruned } = pair(papers);
  const got = ix.search('kinase', { limit: 10 });
  assert.deepEqual(got.results, plain.search('kinase', { limit: 10 }).results);
  assert.ok(got.results.every((r) => Number(r.id.slice(-5)) > 800), 'the abstract matches lead');
  assert.equal(pruned.count, 0);
});

test('re-ranking only the titles that can reach the page gives the same page as re-ranking them all', () => {
  // Short titles with the word's stem only (`kinases`: no bonus) lead by score; longer ones with the word as typed
  // (`kinase`: a bonus) overtake them from well below the page.
  const filler = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'theta', 'iota', 'kappa', 'lambda'];
  const papers = Array.from({ length: 600 }, (_, i) =>
    numberedPaper(
      i + 1,
      i >= 150
        ? { title: `other topic ${filler[i % 10]}` }
        : {
            title: i % 20 !== 1 ? `kinases ${filler.slice(0, i % 3).join(' ')}` : `kinase ${filler.slice(0, 1 + (i % 9)).join(' ')}`,
            abstract: 'kinase '.repeat(1 + (i % 5)),
          },
    ),
  );
  const { ix, plain } = pair(papers);
  for (const options of [{ limit: 10 }, { limit: 5, offset: 20 }, { limit: 1 }]) {
    assert.deepEqual(ix.search('kinase', options).results, plain.search('kinase', options).results, JSON.stringify(options));
  }
});
