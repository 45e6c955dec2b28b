import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Paper } from '../../src/digest/types.ts';
import { applyLookup, lookupKeyOf, mergeMetadata, needsLookup } from '../../src/metadata/merge.ts';
import type { FetchedMetadata } from '../../src/metadata/types.ts';
import { storedPaper } from '../../src/store/records.ts';
import { paperRecord } from '../../src/store/records.ts';
import { paperMaker } from '../helpers/papers.ts';

const paper = paperMaker({ prefix: '2511' });
const fetched: FetchedMetadata = {
  source: 'arxiv',
  key: '2511.00001',
  title: 'Diffusion Policies for Dexterous Robot Manipulation',
  abstract: 'We present a diffusion policy.',
  authors: ['Wei Zhang', 'Maria Loconsole', 'Sergey Levine'],
  categories: ['cs.RO', 'cs.LG'],
  primaryCategory: 'cs.RO',
  comment: '12 pages',
  journalRef: null,
  publishedDoi: null,
  firstPublished: '2025-11-20',
  updated: '2025-11-22',
  latestVersion: 2,
};

describe('merging looked-up metadata', () => {
  it('keeps the Chinese title shown first and adds the English one, every author, categories and provenance', () => {
    const p = paper('用于灵巧机器人操作的扩散策略', { authors: ['Wei Zhang'], abstract: '我们提出一种扩散策略。' });
    const m = mergeMetadata(p, fetched, '2025-11-23T01:00:00.000Z');
    assert.equal(m.title, '用于灵巧机器人操作的扩散策略');
    assert.equal(m.titleOriginal, fetched.title);
    assert.equal(m.abstract, '我们提出一种扩散策略。');
    assert.equal(m.abstractOriginal, fetched.abstract);
    assert.deepEqual(m.authors, fetched.authors);
    assert.equal(m.meta?.primaryCategory, 'cs.RO');
    assert.equal(m.meta?.lookedUpAt, '2025-11-23T01:00:00.000Z');
    assert.deepEqual(m.meta?.filled, ['abstractOriginal', 'authors', 'titleOriginal']);
    assert.equal(needsLookup(m), false);
    assert.equal(needsLookup(m, true), true);
  });

  it("never overwrites the digest's own English text; an untitled paper gets the English title", () => {
    const own = paper('中文', { titleOriginal: 'The digest’s own English title', authors: ['A', 'B', 'C', 'D'] });
    const m = mergeMetadata(own, fetched, 'now');
    assert.equal(m.titleOriginal, 'The digest’s own English title');
    assert.deepEqual(m.authors, ['A', 'B', 'C', 'D'], 'a longer digest list is kept');
    const untitled = mergeMetadata(paper('', { authors: [] }), fetched, 'now');
    assert.equal(untitled.title, fetched.title);
    const english = mergeMetadata(paper(fetched.title!), fetched, 'now');
    assert.equal(english.titleOriginal, null, 'an English digest title is not stored twice');
  });

  it('a refresh updates what a lookup filled; "not found" is remembered; "failed" changes nothing', () => {
    const first = mergeMetadata(paper('中文'), fetched, 't1');
    const again = mergeMetadata(first, { ...fetched, title: 'Renamed v3' }, 't2');
    assert.equal(again.titleOriginal, 'Renamed v3');
    const p = paper('x');
    assert.equal(applyLookup(p, { kind: 'failed', reason: 'down' }, 'arxiv', 't'), p);
    const nf = applyLookup(p, { kind: 'not-found' }, 'arxiv', 't');
    assert.equal(nf.meta?.status, 'not-found');
    assert.equal(needsLookup(nf), false);
  });

  it('knows which service to ask', () => {
    const a = paper('x');
    assert.deepEqual(lookupKeyOf(a), { service: 'arxiv', key: a.arxivId });
    const doi = paper('x', { arxivId: null, doi: '10.64898/2026.07.31.741992', source: 'medrxiv' });
    assert.deepEqual(lookupKeyOf(doi), { service: 'biorxiv', key: 'medrxiv:10.64898/2026.07.31.741992' });
    assert.equal(lookupKeyOf(paper('x', { arxivId: null, doi: '10.1038/x', source: 'nature' })), null);
  });

  it('store records: old ones load without meta, new ones round-trip, a foreign meta format is dropped', () => {
    const m = mergeMetadata(paper('中文'), fetched, 't');
    const { meta: _m, ...old } = m;
    assert.equal(storedPaper.parse({ v: 1, ...old }).meta, undefined);
    assert.deepEqual(storedPaper.parse(paperRecord(m)).meta, m.meta);
    const future = storedPaper.parse({ v: 1, ...old, meta: { mv: 99, anything: true } });
    assert.equal(future.meta, undefined);
    assert.equal(future.title, '中文');
  });
});

export type { Paper };
