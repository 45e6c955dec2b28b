/**
 * Issue 14's rules, for search and subscriptions alike: hyphenated and joined spellings, word forms beyond
 * plurals, acronyms inside names, Chinese words at the edge of longer phrases, typos on inflected words —
 * with the classic traps still refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Paper } from '../../src/digest/types.ts';
import { compoundTerms, namePartTerms } from '../../src/search/compounds.ts';
import { compileSubscriptions } from '../../src/search/matcher.ts';
import { explainNoMatch } from '../../src/search/explain.ts';
import { relatedPapers } from '../../src/search/related.ts';
import { SearchIndex } from '../../src/search/search-index.ts';
import { stem } from '../../src/search/stem.ts';
import { paperMaker } from '../helpers/papers.ts';

const paper = paperMaker({ prefix: '2507', authors: [] });
const en = (titleOriginal: string, extra: Partial<Paper> = {}): Paper => paper('论文', { titleOriginal, ...extra });

function matches(expression: string, p: Paper): boolean {
  return compileSubscriptions([{ id: 's', expression }]).match(p).length > 0;
}

/** Ids found by the search, in rank order. */
function found(papers: Paper[], query: string): string[] {
  const ix = new SearchIndex();
  ix.add(papers);
  return ix.search(query, { limit: 20 }).results.map((r) => r.id);
}

test('hyphenated, joined and (quoted) spaced spellings are one term', () => {
  const joined = en('Multimodal reasoning with LLMs');
  const hyphen = en('Multi-modal reasoning with LLMs');
  const spaced = en('Multi modal reasoning with LLMs');
  for (const kw of ['multimodal', 'multi-modal', '"multi modal"']) {
    for (const p of [joined, hyphen, spaced]) assert.ok(matches(kw, p), `${kw} should match ${p.titleOriginal}`);
    assert.deepEqual(new Set(found([joined, hyphen, spaced], kw)), new Set([joined.id, hyphen.id, spaced.id]), kw);
  }
  assert.ok(matches('self-supervised', en('Selfsupervised pretraining')));
  assert.ok(matches('fine-tuning', en('Efficient finetuning of adapters')));
  assert.ok(matches('finetuning', en('Parameter-efficient fine-tuned adapters')));
});

test('a hyphenated keyword means adjacent words, not the parts anywhere in the paper', () => {
  assert.ok(matches('T-cell', en('T cell receptor repertoires')));
  assert.ok(matches('T-cell', en('Regulatory T-cells in tumours')));
  assert.equal(matches('T-cell', en('T regulatory networks in the cell cycle')), false);
  assert.equal(matches('long-term memory', en('Long short-term memory networks for forecasting')), false);
  assert.ok(matches('long-term memory', en('Long-term memory for agents')));
  const lstm = en('Long short-term memory networks for forecasting');
  const ltm = en('Long-term memory for agents');
  assert.deepEqual(found([lstm, ltm], 'long-term memory'), [ltm.id]);
  const ix = new SearchIndex();
  ix.add([en('T regulatory networks in the cell cycle')]);
  assert.equal(ix.search('T-cell').relaxed, true, 'only a partial match, flagged as such');
});

test('letters and digits: C3 = C-3', () => {
  assert.ok(matches('C3', en('The C-3 pathway')));
  assert.ok(matches('C-3', en('The C3 pathway')));
  const a = en('The C-3 pathway');
  assert.deepEqual(found([a, en('Carbon and 3 more')], 'C3'), [a.id]);
});

test('word forms beyond plurals: mouse/mice, robot/robotic/robotics, analysis/analyses', () => {
  assert.equal(stem('mice'), stem('mouse'));
  assert.equal(stem('robotics'), stem('robot'));
  assert.equal(stem('robotic'), stem('robots'));
  assert.equal(stem('analyses'), stem('analysis'));
  assert.ok(matches('mouse', en('Gut microbes in germ-free mice')));
  assert.ok(matches('robot', en('Soft robotics with origami')));
  assert.ok(matches('analyses', en('A careful analysis of trials')));
  // What a researcher would keep apart stays apart.
  assert.notEqual(stem('logic'), stem('log'));
  assert.notEqual(stem('general'), stem('generate'));
  assert.notEqual(stem('organ'), stem('organic'));
});

test('acronyms inside glued names are found; case is the evidence', () => {
  assert.deepEqual(new Set(namePartTerms('FrugalNeRF')), new Set(['frugal', 'nerf']));
  assert.ok(namePartTerms('NeRFiller').includes('nerf'));
  assert.ok(namePartTerms('GraphMoE').includes('moe'));
  assert.ok(namePartTerms('UnZipLoRA').includes('lora'));
  assert.ok(namePartTerms('HSRMamba').includes('mamba'));
  for (const word of ['organ', 'Organ', 'ORGAN', 'ORGANs', 'Morgan', 'Oganesson']) assert.deepEqual(namePartTerms(word), [], word);
  for (const [kw, title] of [['NeRF', 'FrugalNeRF: fast few-shot view synthesis'], ['NeRF', 'NeRFiller: completing scenes'], ['MoE', 'GraphMoE for reasoning'], ['LoRA', 'UnZipLoRA: separating content and style'], ['Mamba', 'HSRMamba for hyperspectral super-resolution'], ['GAN', 'CycleGAN revisited']] as const) {
    assert.ok(matches(kw, en(title)), `${kw} in ${title}`);
    const p = en(title);
    assert.deepEqual(found([p, en('Something else entirely')], kw), [p.id], `search ${kw} in ${title}`);
  }
});

test('the traps stay refused: GAN/organ, ViT/in vitro, RAG/RAG1, 大模型/扩大模型, 和服/客户端和服务器', () => {
  assert.equal(matches('GAN', en('Organ-on-chip models of the ORGAN')), false);
  assert.equal(matches('GAN', en('Morgan fingerprints for molecules')), false);
  assert.equal(matches('ViT', en('In vitro assays of drug toxicity')), false);
  assert.equal(matches('ViT', en('InVitro screening')), false);
  assert.equal(matches('RAG', en('RAG1 knockout mice')), false);
  assert.equal(matches('大模型', paper('扩大模型规模的代价')), false);
  assert.equal(matches('和服', paper('客户端和服务器的协同')), false);
  assert.equal(matches('扩散', paper('扩大散射截面的测量')), false);
  assert.deepEqual(compoundTerms('Organ transplant, in vitro, RAG1'), []);
});

test('a Chinese word at the edge of a longer phrase is found', () => {
  assert.ok(matches('数据集', paper('纠正现有数据集中的标注偏差')));
  assert.ok(matches('智能体', paper('提升智能体能力的训练方法')));
  assert.ok(matches('机器人', paper('面向智能机器人的抓取')));
  assert.ok(matches('和服', paper('日本和服的纹样')));
  // Still whole words only: a 2-character keyword whose first part is a single character never runs on.
  assert.equal(matches('和服', paper('提升和服务质量的方法')), false);
});

test('typos are corrected on surface forms too: housinng finds Housing', () => {
  const p = en('Housing prices and monetary policy');
  assert.deepEqual(found([p, en('Monetary policy in small economies')], 'housinng'), [p.id]);
  assert.deepEqual(found([p, en('Monetary policy in small economies')], 'houssing prices'), [p.id]);
});

test('every wording a paper was published under stays searchable, in search and subscriptions', () => {
  const p = paper('基于扩散模型的视频生成', { variants: [{ title: '利用扩散模型生成视频的方法', abstract: '我们提出一种蒸馏加速方案。' }] });
  const other = paper('图像分割的新方法');
  assert.deepEqual(found([p, other], '生成视频的方法'), [p.id]);
  assert.deepEqual(found([p, other], '蒸馏加速'), [p.id]);
  assert.ok(matches('蒸馏', p));
  assert.equal(matches('蒸馏', other), false);
});

test('related papers: the closest by shared title words, never the paper itself, none for an empty title', () => {
  const target = paper('基于扩散模型的视频生成', { titleOriginal: 'Video generation with diffusion models' });
  const close = paper('扩散模型用于长视频生成', { titleOriginal: 'Diffusion models for long video generation' });
  const middle = paper('扩散模型综述', { titleOriginal: 'A survey of diffusion models' });
  const far = paper('图神经网络的可扩展训练', { titleOriginal: 'Scalable training of graph neural networks' });
  const ix = new SearchIndex();
  ix.add([target, close, middle, far]);
  const ids = relatedPapers(ix, target, 5).map((h) => h.id);
  assert.deepEqual(ids, [close.id, middle.id]);
  assert.deepEqual(relatedPapers(ix, paper('的'), 5), []);
});

test('a search that finds nothing says why: unmatched words, a known spelling, the English-metadata hint', () => {
  const zhOnly = Array.from({ length: 6 }, (_, i) => paper(`基于扩散模型的视频生成方法${i}`));
  const english = en('Graph neural networks at scale');
  const ix = new SearchIndex();
  ix.add([english, ...zhOnly]);
  assert.equal(ix.search('grah zebrafish').total, 0);
  const help = explainNoMatch(ix, 'grah zebrafish');
  assert.deepEqual(help.unmatched, ['grah', 'zebrafish']);
  assert.deepEqual(help.suggestions, [{ word: 'grah', suggestion: 'graph' }]);
  assert.ok(help.englishShare !== null && help.englishShare < 0.5, 'most recent papers are Chinese-only');
  assert.equal(explainNoMatch(ix, '蛋白质 折叠').englishShare, null, 'no English hint for Chinese words');
  const mostlyEnglish = new SearchIndex();
  mostlyEnglish.add([english, en('Another English paper')]);
  assert.equal(explainNoMatch(mostlyEnglish, 'zebrafish').englishShare, null);
  assert.deepEqual(explainNoMatch(ix, 'T-zebra').unmatched, ['t-zebra'], 'a hyphenated word is reported once');
});
