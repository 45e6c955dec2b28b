/** Citations of papers: CSL-JSON items and BibTeX / RIS / CSL-JSON files (pure; citation-js does the formatting). */
export { toCsl } from './csl.ts';
export { CITATION_FORMATS, formatCitations } from './format.ts';
export type { CitableMeta, CitablePaper, CitationFile, CitationFormat, CslItem } from './types.ts';
