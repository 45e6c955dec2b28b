/**
 * The English ↔ Chinese term table (issue 14, item 7): the miner on a small synthetic parallel corpus, the table
 * shipped in src/search/term-table.json, query expansion in search (not in subscriptions), and the no-results help
 * offering the other language's term.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Paper } from '../../src/digest/types.ts';
import { mineTerms } from '../../scripts/lib/term-miner.ts';
import { tableJson } from '../../scripts/mine-terms.ts';
import { analyze } from '../../src/search/analyzer.ts';
import { compileSubscriptions } from '../../src/search/matcher.ts';
import { explainNoMatch } from '../../src/search/explain.ts';
import { SearchIndex } from '../../src/search/search-index.ts';
import { ARCHIVE_TERMS, termTable, type TermRow, type TermTable } from '../../src/search/term-table.ts';
import shipped from '../../src/search/term-table.json' with { type: 'json' };
import { searchPage } from '../../src/discord/search-page.ts';
import { translator } from '../../src/i18n/index.ts';
import { paperMaker } from '../helpers/papers.ts';

const paper = paperMaker({ prefix: '2508', authors: [] });

/** A tiny parallel corpus: each term beside its translation, in titles whose other words vary. */
function corpus(): { en: string; zh: string }[] {
  const topics: [string, string][] = [
    ['Diffusion models', '扩散模型'],
    ['Diffusion policies', '扩散策略'],
    ['Latent diffusion', '潜在扩散'],
    ['Reinforcement learning', '强化学习'],
    ['Protein folding', '蛋白质折叠'],
  ];
  const settings: [string, string][] = [
    ['for video', '用于视频'],
    ['in medicine', '在医学中'],
    ['at scale', '大规模'],
    ['with priors', '与先验'],
    ['under noise', '噪声下'],
  ];
  const out: { en: string; zh: string }[] = [];
  for (const [en, zh] of topics) for (const [se, sz] of settings) out.push({ en: `${en} ${se}`, zh: `${zh}${sz}` });
  out.push({ en: 'Rare words seen twice', zh: '罕见词语' }, { en: 'Rare words seen twice', zh: '罕见词语' });
  return out;
}

const stems = (text: string): string => analyze(text).join(' ');

test('the miner pairs terms that occur together, one partner each, and only with enough evidence', () => {
  const pairs = mineTerms(corpus(), { minCount: 3, minDice: 0.5 });
  const zhOf = new Map(pairs.map((p) => [p.en, p.zh]));
  assert.equal(zhOf.get(stems('diffusion')), '扩散');
  assert.equal(zhOf.get(stems('reinforcement learning')), '强化学习');
  for (const p of pairs) {
    assert.equal(stems(p.surface), p.en, `${p.surface} is stored under its stems`);
    assert.ok(p.count >= 3 && p.dice >= 0.5, `${p.surface} ↔ ${p.zh} passes the thresholds`);
    assert.ok(!/\b(?:for|in|at)\b/.test(p.surface), `${p.surface}: function words are never terms`);
  }
  assert.equal(new Set(pairs.map((p) => p.zh)).size, pairs.length, 'a Chinese term has one English partner');
  assert.ok(!pairs.some((p) => p.zh === '罕见词语'), 'a pair seen twice is below the minimum count');
  // Deterministic: the order of the titles changes nothing, so the committed table only changes with the archive.
  assert.equal(tableJson(mineTerms([...corpus()].reverse(), { minCount: 3 })), tableJson(mineTerms(corpus(), { minCount: 3 })));
});

test('the miner refuses half a term: a unit almost always beside the same neighbour', () => {
  const organisms = [['yeast', '酵母'], ['maize', '玉米'], ['zebrafish', '斑马鱼'], ['bacteria', '细菌'], ['viruses', '病毒'], ['plants', '植物']];
  const contexts = [['Open reading frames', '开放阅读框'], ['Gene expression', '基因表达'], ['Cell cycle', '细胞周期'], ['Stress responses', '应激反应']];
  const rows = organisms.flatMap(([en, zh], i) =>
    contexts.map(([ctx, czh], j) =>
      (i + j) % 2 ? { en: `${ctx} in ${en}`, zh: `${zh}中的${czh}` } : { en: `${en} ${ctx!.toLowerCase()}`, zh: `${zh}的${czh}` },
    ),
  );
  const pairs = mineTerms(rows, { minCount: 3 });
  const zhOf = new Map(pairs.map((p) => [p.surface, p.zh]));
  assert.equal(zhOf.get('zebrafish'), '斑马鱼', '斑马 is always followed by 鱼: only the whole word pairs');
  assert.equal(zhOf.get('yeast'), '酵母');
  // "open reading" is always followed by "frames", 开放阅读 by 框: three-word terms are beyond two-unit mining.
  assert.ok(!pairs.some((p) => /open|frame/.test(p.surface) || p.zh.includes('开放') || p.zh === '斑马'), JSON.stringify(pairs));
});

test('the shipped table: analyzer stems as keys, one partner per term, the issue\'s examples in it', () => {
  const rows = shipped.pairs as TermRow[];
  assert.ok(rows.length > 1000 && rows.length <= 8000, `${rows.length} pairs`);
  assert.equal(new Set(rows.map((r) => r[0])).size, rows.length);
  assert.equal(new Set(rows.map((r) => r[2])).size, rows.length);
  for (const [key, surface] of rows) assert.equal(stems(surface), key, surface);
  assert.equal(ARCHIVE_TERMS.zhOf(stems('diffusion')), '扩散');
  assert.equal(ARCHIVE_TERMS.zhOf(stems('reinforcement learning')), '强化学习');
  assert.equal(ARCHIVE_TERMS.enOf('强化学习'), 'reinforcement learning');
  for (const acronym of ['gan', 'vit', 'rag']) assert.equal(ARCHIVE_TERMS.zhOf(acronym), undefined, acronym);
});

const table = termTable(
  (
    [
      ['diffusion', '扩散'],
      ['reinforcement learning', '强化学习'],
      ['robot', '机器人'],
    ] as const
  ).map(([en, zh]): TermRow => [stems(en), en, zh]),
);

function index(papers: Paper[], terms: TermTable | null = table): SearchIndex {
  const ix = new SearchIndex();
  ix.add(papers);
  ix.useTermTable(terms);
  return ix;
}

test('search reaches papers written in the other language, below those holding the word as typed', () => {
  const zhOnly = paper('基于扩散模型的视频生成');
  const enOnly = paper('Diffusion models for video generation');
  const rl = paper('Reinforcement learning for legged robots');
  const zhRl = paper('面向足式机器人的强化学习');
  const ix = index([zhOnly, enOnly, rl, zhRl]);
  assert.deepEqual(ix.search('diffusion').results.map((r) => r.id), [enOnly.id, zhOnly.id]);
  assert.ok(ix.search('diffusion').results[1]!.matchedTerms.includes('扩散'), 'the Chinese term is highlighted');
  assert.deepEqual(ix.search('reinforcement learning').results.map((r) => r.id), [rl.id, zhRl.id]);
  assert.deepEqual(ix.search('强化学习').results.map((r) => r.id), [zhRl.id, rl.id]);
  ix.useTermTable(null);
  assert.deepEqual(ix.search('diffusion').results.map((r) => r.id), [enOnly.id], 'without the table, words as typed only');
  assert.deepEqual(ix.search('强化学习').results.map((r) => r.id), [zhRl.id]);
});

test('a translation does not re-score a paper the typed word already found (bilingual titles count once)', () => {
  const bilingual = paper('扩散模型用于视频', { titleOriginal: 'Diffusion models for video' });
  const other = paper('Diffusion policies');
  const on = index([bilingual, other]);
  const off = index([bilingual, other], null);
  const score = (ix: SearchIndex) => ix.search('diffusion').results.find((r) => r.id === bilingual.id)!.score;
  assert.equal(score(on), score(off));
});

test('expansion keeps the traps refused and leaves subscriptions as typed', () => {
  const organ = paper('器官移植的长期结果', { titleOriginal: 'Long-term outcomes of organ transplantation' });
  const organZh = paper('器官移植的免疫反应');
  const vitro = paper('体外细胞培养', { titleOriginal: 'Cell culture in vitro' });
  const vitroZh = paper('体外细胞培养的新方法');
  const big = paper('扩大模型规模的代价');
  const withTable = new SearchIndex(); // the shipped table
  withTable.add([organ, organZh, vitro, vitroZh, big]);
  const without = index([organ, organZh, vitro, vitroZh, big], null);
  for (const q of ['GAN', 'ViT ', 'RAG', '大模型', '和服']) {
    const ids = (ix: SearchIndex) => ix.search(q).results.map((r) => r.id);
    assert.deepEqual(ids(withTable), ids(without), `${q}: the table adds nothing to a trap`);
  }
  assert.deepEqual(withTable.search('GAN').results, []);
  const zhOnly = paper('基于扩散模型的视频生成');
  assert.equal(compileSubscriptions([{ id: 's', expression: 'diffusion' }]).match(zhOnly).length, 0, 'subscriptions are not expanded');
});

test('the no-results help offers the other language\'s term when papers hold it', () => {
  const ix = index([paper('基于扩散模型的视频生成', { date: '2025-01-10' }), paper('Graph networks')]);
  const help = explainNoMatch(ix, 'diffusion from:2026-01-01', table);
  assert.deepEqual(help.unmatched, ['diffusion']);
  assert.deepEqual(help.translations, [{ word: 'diffusion', term: '扩散' }]);
  assert.deepEqual(explainNoMatch(ix, 'robot', table).translations, [], 'no paper holds 机器人: nothing to offer');
  assert.deepEqual(explainNoMatch(ix, 'diffusion', null).translations, [], 'no table, no offer');
  const en = index([paper('Reinforcement learning at scale')]);
  assert.deepEqual(explainNoMatch(en, '强化学习', table).translations, [{ word: '强化学习', term: 'reinforcement learning' }]);
  for (const locale of ['en-US', 'zh-CN'] as const) {
    const page = searchPage({ query: 'diffusion from:2026-01-01', page: 0, total: 0, relaxed: false, errors: [], hits: [], owner: '*', t: translator(locale), help });
    assert.match(page.embeds[0]!.description!, /“diffusion” → “扩散”/, locale);
  }
});
