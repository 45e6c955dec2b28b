import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Paper } from '../../src/digest/types.ts';
import { SearchIndex, analyze } from '../../src/search/index.ts';
import { MAX_TOKEN_LENGTH } from '../../src/search/analyzer.ts';
import { PAPER_LIMITS, boundPaper, truncateText } from '../../src/store/limits.ts';

const paper = (n: number, over: Partial<Paper> = {}): Paper => ({
  id: `arxiv:2601.${n}`, arxivId: `2601.${n}`, version: null, doi: null, source: 'arxiv', date: '2026-01-01', published: null,
  title: `Bounded paper ${n}`, titleOriginal: null, authors: ['Ada Lovelace'], abstract: null, abstractOriginal: null,
  pdfUrl: null, url: null, codeUrl: null, notes: null, ...over,
});

describe('bounded tokens and fields (issue 15 item 2)', () => {
  it('the analyzer takes a 6-million-letter word in bounded pieces (it overflowed the stack)', () => {
    for (const word of ['a'.repeat(6_000_000), 'é'.repeat(1_000_000)]) {
      const terms = analyze(word);
      assert.ok(terms.length > 0);
      assert.ok(terms.every((t) => t.length <= MAX_TOKEN_LENGTH));
    }
    // Same pieces in a query and a document: a long word still finds itself.
    const index = new SearchIndex();
    index.add([paper(1, { abstract: 'x'.repeat(250) })]);
    assert.equal(index.search('x'.repeat(250)).results[0]?.id, 'arxiv:2601.1');
  });

  it('boundPaper cuts each field to its limit and says which', () => {
    const { paper: p, cut } = boundPaper(paper(2, {
      title: 't'.repeat(10_000),
      abstract: 'a'.repeat(6_000_000),
      authors: Array.from({ length: 10_000 }, (_, i) => `Author ${i} ${'x'.repeat(500)}`),
      url: `https://arxiv.org/${'p'.repeat(5000)}`,
    }));
    assert.deepEqual(cut.sort(), ['abstract', 'authors', 'title', 'url']);
    assert.equal(p.title.length, PAPER_LIMITS.title);
    assert.equal(p.abstract?.length, PAPER_LIMITS.text);
    assert.ok(p.authors.length <= PAPER_LIMITS.authors);
    assert.ok(p.authors.every((a) => a.length <= PAPER_LIMITS.author));
    assert.ok(p.authors.join('').length <= PAPER_LIMITS.authorsTotal);
    assert.ok((p.url?.length ?? 0) <= PAPER_LIMITS.other);
    assert.deepEqual(boundPaper(paper(3)).cut, [], 'a normal paper is untouched');
  });

  it('truncateText never splits a surrogate pair', () => {
    const cut = truncateText('😀'.repeat(10), 6);
    assert.ok(cut.length <= 6);
    assert.doesNotMatch(cut, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('a paper the index cannot take costs that paper only', () => {
    const index = new SearchIndex();
    const broken = { ...paper(5), authors: null } as unknown as Paper;
    const skipped = index.add([paper(4), broken, paper(6)]);
    assert.deepEqual(skipped.map((s) => s.id), ['arxiv:2601.5']);
    assert.ok(index.has('arxiv:2601.4') && index.has('arxiv:2601.6') && !index.has('arxiv:2601.5'));
    assert.equal(index.size, 2);
  });
});
