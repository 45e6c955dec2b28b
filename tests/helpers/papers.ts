/** Papers for tests: every field of the model filled with a neutral default, numbered ids. */
import type { Paper } from '../../src/digest/types.ts';

/**
 * Paper number `n` of a series: `arxiv:<prefix>.0000n` (prefix `2501` by default), every other field a neutral
 * default that `fields` overrides. The one place tests build a whole paper, so a new field is added here once.
 */
export function numberedPaper(n: number, fields: Partial<Paper> & { prefix?: string } = {}): Paper {
  const { prefix = '2501', ...overrides } = fields;
  const arxivId = `${prefix}.${String(n).padStart(5, '0')}`;
  return {
    id: `arxiv:${arxivId}`,
    arxivId,
    version: 1,
    doi: null,
    source: 'arxiv',
    date: '2025-01-10',
    published: null,
    title: `Paper ${n}`,
    titleOriginal: null,
    authors: ['Someone Else'],
    abstract: null,
    abstractOriginal: null,
    pdfUrl: null,
    url: null,
    codeUrl: null,
    notes: null,
    ...overrides,
  };
}

/**
 * A maker of papers `arxiv:<prefix>.00001`, `.00002`, … with the given defaults; `paper(title, extra)` overrides
 * any field. Each maker numbers its own papers, so ids are stable within a test file.
 */
export function paperMaker(defaults: Partial<Paper> & { prefix?: string } = {}): (title: string, extra?: Partial<Paper>) => Paper {
  let n = 0;
  return (title, extra = {}) => numberedPaper(++n, { ...defaults, title, ...extra });
}
