/** What a citation needs of a paper (a `Paper` of src/digest satisfies it). */
import type { Paper } from '../digest/types.ts';

/** The facts of a looked-up paper a citation uses (src/metadata fills them; all optional). */
export interface CitableMeta {
  primaryCategory?: string | null;
  journalRef?: string | null;
  publishedDoi?: string | null;
  firstPublished?: string | null;
}

/** A paper to cite: its digest fields plus, when known, its looked-up metadata. */
export type CitablePaper = Pick<Paper, 'id' | 'arxivId' | 'doi' | 'source' | 'date' | 'published' | 'title' | 'titleOriginal' | 'authors' | 'url'> & {
  meta?: CitableMeta | undefined;
};

/** A CSL-JSON item. */
export type CslItem = Record<string, unknown>;

/** The formats people ask for. */
export type CitationFormat = 'bibtex' | 'ris' | 'csl-json';

/** A rendered citation file. */
export interface CitationFile {
  text: string;
  /** File name for an attachment, e.g. `papers.bib`. */
  fileName: string;
  contentType: string;
}
