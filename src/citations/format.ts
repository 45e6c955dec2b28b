/**
 * Citations in BibTeX, RIS and CSL-JSON, produced by citation-js (a well-kept library, so that escaping, name
 * formatting and field mapping follow what reference managers expect rather than a hand-written template).
 */
import { Cite, plugins } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import '@citation-js/plugin-ris';
import { toCsl } from './csl.ts';
import type { CitablePaper, CitationFile, CitationFormat } from './types.ts';

// Titles and names are often Chinese: write UTF-8 (biber, BibTeX 8 and every reference manager read it) instead of
// the ASCII-only LaTeX escapes, which drop every character they have no macro for.
const bibtexFormat = plugins.config.get('@bibtex').format;
if (bibtexFormat) bibtexFormat.asciiOnly = false;

const FILES: Record<CitationFormat, { extension: string; contentType: string }> = {
  bibtex: { extension: 'bib', contentType: 'application/x-bibtex; charset=utf-8' },
  ris: { extension: 'ris', contentType: 'application/x-research-info-systems; charset=utf-8' },
  'csl-json': { extension: 'json', contentType: 'application/vnd.citationstyles.csl+json; charset=utf-8' },
};

/** Every format, for command choices. */
export const CITATION_FORMATS = Object.keys(FILES) as CitationFormat[];

/** The papers' citations in one format, as a file (`baseName` without extension). */
export function formatCitations(papers: readonly CitablePaper[], format: CitationFormat, baseName = 'papers'): CitationFile {
  const items = papers.map(toCsl);
  const text = format === 'csl-json' ? `${JSON.stringify(items, null, 2)}\n` : new Cite(items).format(format === 'bibtex' ? 'bibtex' : 'ris');
  const { extension, contentType } = FILES[format];
  return { text: text.replace(/\n{3,}/g, '\n\n'), fileName: `${baseName}.${extension}`, contentType };
}
