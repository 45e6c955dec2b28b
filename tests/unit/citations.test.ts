// Citations: each format is produced by citation-js and read back by the same library, so a test checks what a
// reference manager would import (ids, authors, titles), not the text of a template.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Cite } from '@citation-js/core';
import { formatCitations, toCsl } from '../../src/citations/index.ts';
import type { CitablePaper } from '../../src/citations/index.ts';
import { paperMaker } from '../helpers/papers.ts';

const paper = paperMaker({ prefix: '2511' });

const arxivPaper: CitablePaper = {
  ...paper('基于扩散模型的机器人操作', { titleOriginal: 'Diffusion Policies for Robot Manipulation', authors: ['Zhang, W.', 'Sergey Levine', 'Ludwig van Beethoven'], date: '2025-11-21', url: 'https://arxiv.org/abs/2511.00001' }),
  meta: { primaryCategory: 'cs.RO', firstPublished: '2025-11-19' },
};
const biorxivPaper: CitablePaper = paper('', {
  id: 'doi:10.1101/2025.01.02.123456', arxivId: null, doi: '10.1101/2025.01.02.123456', source: 'biorxiv',
  titleOriginal: 'Neurons that count', authors: ['yang, z.', 'Fernandes, G. d. R.'], date: '2025-01-03',
});
const published: CitablePaper = { ...paper('Old title', { titleOriginal: 'A Published Result', authors: ['Ada Lovelace'] }), meta: { journalRef: 'Nature 600, 1-5 (2025)', publishedDoi: '10.1038/s41586-025-00001-1' } };
const chineseOnly: CitablePaper = paper('仅有中文标题', { authors: ['张伟'], titleOriginal: null });

/** The CSL items citation-js reads back from a file. */
function readBack(text: string): Array<Record<string, unknown>> {
  return new Cite(text).data;
}

describe('citations', () => {
  it('cites an arXiv paper as an arXiv preprint with its id, primary category and English title', () => {
    const csl = toCsl(arxivPaper);
    assert.equal(csl.title, 'Diffusion Policies for Robot Manipulation');
    assert.equal(csl.publisher, 'arXiv');
    assert.equal(csl.DOI, '10.48550/arXiv.2511.00001');
    assert.equal(csl.note, 'arXiv:2511.00001 [cs.RO]');
    assert.deepEqual(csl.issued, { 'date-parts': [[2025, 11, 19]] }, 'the first-published date wins over the digest date');
  });

  it('writes BibTeX that parses back with the same ids, authors and titles', () => {
    const file = formatCitations([arxivPaper, biorxivPaper, published], 'bibtex');
    assert.equal(file.fileName, 'papers.bib');
    assert.match(file.text, /^@misc\{ZhangW?2025Diffusion,/m);
    assert.match(file.text, /note = \{arXiv:2511\.00001 \[cs\.RO\]\}/);
    const items = readBack(file.text);
    assert.equal(items.length, 3);
    assert.deepEqual(items.map((i) => i.DOI), ['10.48550/arXiv.2511.00001', '10.1101/2025.01.02.123456', '10.1038/s41586-025-00001-1']);
    assert.deepEqual((items[0]!.author as Array<{ family: string }>).map((a) => a.family), ['Zhang', 'Levine', 'Beethoven']);
    assert.deepEqual((items[1]!.author as Array<{ family: string }>).map((a) => a.family), ['yang', 'Fernandes']);
    assert.equal(items[1]!.title, 'Neurons that count');
    assert.equal(items[2]!['container-title'], 'Nature 600, 1-5 (2025)', 'a published version cites its journal');
  });

  it('writes RIS and CSL-JSON that read back to the same papers', () => {
    const ris = formatCitations([arxivPaper, biorxivPaper], 'ris', 'saved');
    assert.equal(ris.fileName, 'saved.ris');
    assert.match(ris.text, /^TY {2}- /m);
    assert.deepEqual(readBack(ris.text).map((i) => i.DOI), ['10.48550/arXiv.2511.00001', '10.1101/2025.01.02.123456']);
    const json = formatCitations([arxivPaper], 'csl-json');
    const parsed = JSON.parse(json.text) as Array<Record<string, unknown>>;
    assert.equal(parsed[0]!.id, 'arxiv:2511.00001');
    assert.equal(readBack(json.text)[0]!.title, 'Diffusion Policies for Robot Manipulation');
  });

  it('keeps CJK names whole and falls back to the shown title and an id-based key', () => {
    const csl = toCsl(chineseOnly);
    assert.deepEqual(csl.author, [{ literal: '张伟' }]);
    assert.equal(csl.title, '仅有中文标题');
    assert.match(String(csl['citation-key']), /^[A-Za-z0-9]+$/);
    const file = formatCitations([chineseOnly], 'bibtex');
    const [item] = readBack(file.text);
    assert.equal(item!.title, '仅有中文标题', 'UTF-8, not ASCII escapes that drop CJK');
    assert.deepEqual(item!.author, [{ family: '张伟' }]);
  });

  it('escapes what BibTeX would misread in titles, so the entry still parses whole', () => {
    const tricky: CitablePaper = paper('x', { titleOriginal: 'Costs {50% & $x_1$ #1 in C++ \\ }', authors: ['A B'] });
    const items = readBack(formatCitations([tricky, arxivPaper], 'bibtex').text);
    assert.equal(items.length, 2, 'an unbalanced brace does not swallow the next entry');
    assert.match(String(items[0]!.title), /^Costs \{?50% & .+ #1 in C\+\+/);
  });
});
