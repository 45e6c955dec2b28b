import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PaperMeta } from '../../src/digest/types.ts';
import { paperDetailsEmbed, paperEmbed } from '../../src/discord/embeds.ts';
import { LIMITS, validateMessage } from '../../src/discord/limits.ts';
import { paperMaker } from '../helpers/papers.ts';

const paper = paperMaker({ prefix: '2511' });
const meta: PaperMeta = {
  status: 'found',
  source: 'arxiv',
  lookedUpAt: '2025-11-23T01:02:03.000Z',
  filled: ['titleOriginal', 'authors'],
  categories: ['cs.LG', 'cs.RO'],
  primaryCategory: 'cs.RO',
  comment: '12 pages, 5 figures',
  journalRef: 'CoRL 2025',
  publishedDoi: '10.1000/corl.2025.1',
  firstPublished: '2025-11-20',
  updated: '2025-11-22',
  latestVersion: 3,
};

describe('embeds with looked-up metadata', () => {
  const p = paper('用于灵巧机器人操作的扩散策略', {
    titleOriginal: 'Diffusion Policies for Dexterous Robot Manipulation',
    authors: ['Wei Zhang', 'Maria Loconsole', 'Yanqing Lou', 'Sergey Levine'],
    meta,
  });

  it('digest posts: Chinese title first, English title under it, first authors et al., primary category', () => {
    const e = paperEmbed(p, { locale: 'en-US' });
    assert.equal(e.title, '用于灵巧机器人操作的扩散策略');
    assert.equal(e.fields?.[0]?.value, 'Diffusion Policies for Dexterous Robot Manipulation');
    assert.equal(e.author?.name, 'Wei Zhang, Maria Loconsole et al.');
    assert.equal(e.footer?.text, 'arXiv · cs.RO · 2025-01-10');
  });

  it('/paper show: every author, categories, comment, journal, published DOI, dates, version, provenance, linked', () => {
    const e = paperDetailsEmbed(p, { locale: 'en-US' });
    const field = (name: string) => e.fields?.find((f) => f.name === name)?.value;
    assert.equal(field('Authors'), 'Wei Zhang, Maria Loconsole, Yanqing Lou, Sergey Levine');
    assert.equal(field('Categories'), 'cs.RO, cs.LG');
    assert.equal(field('Journal reference'), 'CoRL 2025');
    assert.match(field('Published version') ?? '', /\(https:\/\/doi\.org\/10\.1000\/corl\.2025\.1\)/);
    assert.equal(field('Dates'), 'first 2025-11-20 · updated 2025-11-22');
    assert.match(field('Latest version') ?? '', /https:\/\/arxiv\.org\/abs\/2511\.\d+v3/);
    assert.equal(field('Metadata'), 'from arXiv, 2025-11-23');
    const zh = paperDetailsEmbed(p, { locale: 'zh-CN' });
    assert.ok(zh.fields?.some((f) => f.name === '分类'));
  });

  it('stays within Discord limits with hostile, huge metadata', () => {
    const huge = 'x'.repeat(50_000);
    const hostile = paper(huge, {
      titleOriginal: huge,
      abstract: huge,
      authors: Array.from({ length: 3000 }, (_, i) => `Author ${i} @everyone`),
      meta: { ...meta, comment: huge, journalRef: huge, categories: Array.from({ length: 500 }, (_, i) => `c${i}.${huge.slice(0, 300)}`), primaryCategory: huge },
    });
    const e = paperDetailsEmbed(hostile);
    assert.deepEqual(validateMessage({ embeds: [e], allowed_mentions: { parse: [] } }), []);
    assert.ok((e.fields?.length ?? 0) <= LIMITS.fields);
  });
});
