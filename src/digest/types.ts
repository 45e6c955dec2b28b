/**
 * The digest model: what the parser produces and what every other module consumes.
 * Plain data only (JSON-serialisable), so that it can be stored, indexed and printed as it is.
 */

/** Canonical paper key: `arxiv:<id>`, `doi:<doi>` or `url:<hash>`. */
export type PaperId = string;

/** A digest source as named in file names and section headings, lower-cased: `arxiv`, `biorxiv`, `medrxiv`, … */
export type Source = string;

/** One paper as found in a digest. */
export interface Paper {
  /** Canonical key: `arxiv:2511.16674`, `doi:10.1101/2021.02.23.432411` or `url:<hash>`. */
  id: PaperId;
  /** arXiv id without version (`2511.16674`, `hep-th/9901001`), or null. */
  arxivId: string | null;
  /** arXiv version number (the `v1` of `2511.16674v1`), or null when the link has none. */
  version: number | null;
  /** DOI (bioRxiv/medRxiv), lower-case as DOIs compare case-insensitively, or null. */
  doi: string | null;
  source: Source;
  /** The digest's date (YYYY-MM-DD) this paper was listed under, or null when the digest has none. */
  date: string | null;
  /** The paper's own publication date when the digest gives one (YYYY-MM-DD), else null. */
  published: string | null;
  /** Clean one-line title (usually the Chinese translation). */
  title: string;
  /** The English title when the digest has one beside the translated title. */
  titleOriginal: string | null;
  authors: string[];
  abstract: string | null;
  abstractOriginal: string | null;
  pdfUrl: string | null;
  /** The abstract/landing page (arxiv.org/abs/…, doi.org/…), or the only link the digest gives. */
  url: string | null;
  codeUrl: string | null;
  /** Translator's notes and other commentary found in the title cell, kept out of the title. */
  notes: string | null;
  /**
   * Other wordings this paper was published under (another digest's translation of its title or abstract),
   * oldest first, each part null when it repeats the shown one. Set by the store when it merges copies, so
   * every wording stays searchable while `title`/`abstract` show one; absent on freshly parsed papers.
   */
  variants?: PaperVariant[];
  /**
   * What arXiv / bioRxiv / medRxiv say about the paper beyond the digest row (see src/metadata/), once it was
   * looked up; absent until then. The parser never sets it.
   */
  meta?: PaperMeta;
  /**
   * Categories the digest gives for the paper (`cs.CV`, a section's arXiv category, a generator's topic), in the
   * digest's order. Absent when the digest names none (so older layouts' output is unchanged).
   */
  categories?: string[];
}

/** One other wording of a paper's title and/or abstract (see `Paper.variants`). */
export interface PaperVariant {
  title: string | null;
  abstract: string | null;
}

/** Where looked-up facts came from. */
export type MetaSource = 'arxiv' | 'biorxiv' | 'medrxiv';

/**
 * A paper's looked-up metadata. The English title, abstract and the full author list are not repeated here:
 * they live in `titleOriginal`, `abstractOriginal` and `authors` (one place for each fact); `filled` says which
 * of those fields the lookup wrote, so a refresh may update them and the digest's own text is never overwritten.
 */
export interface PaperMeta {
  /** `found`: the service knows the paper; `not-found`: it answered that it does not (looked up, not retried). */
  status: 'found' | 'not-found';
  source: MetaSource;
  /** ISO timestamp of the lookup. */
  lookedUpAt: string;
  /** Paper fields this lookup filled (`titleOriginal`, `abstractOriginal`, `authors`, `title`). */
  filled: string[];
  /** Categories in the service's order (arXiv: `cs.CV`…; bioRxiv/medRxiv: the subject, lower case). */
  categories: string[];
  primaryCategory: string | null;
  comment: string | null;
  journalRef: string | null;
  /** DOI of the published (journal) version. */
  publishedDoi: string | null;
  /** First version's date and the newest version's date (YYYY-MM-DD). */
  firstPublished: string | null;
  updated: string | null;
  /** The newest version number the service knows. */
  latestVersion: number | null;
}

/** `ok`: a table of papers; `empty`: the generator found none that day; `failed`: the generator says it failed. */
export type DigestStatus = 'ok' | 'empty' | 'failed';

/** One digest (one day × one source) found in a file; a file may hold several. */
export interface Digest {
  date: string | null;
  source: Source;
  status: DigestStatus;
  /** The generator's status line for `empty`/`failed` digests, else null. */
  message: string | null;
  papers: Paper[];
}

/** Kinds of warning, so that summaries can count them. */
export type WarningKind =
  | 'no-date'
  | 'broken-row'
  | 'row-without-link'
  | 'row-without-title'
  | 'unclosed-row'
  | 'huge-cell'
  | 'binary'
  | 'empty-file'
  | 'no-papers'
  | 'unknown-table'
  | 'duplicate-paper'
  /** The file names paper identifiers but no paper could be built from it: the layout is not understood. */
  | 'unrecognised-layout'
  /** The parser itself failed on this file (a bug): the file yields nothing, the caller carries on. */
  | 'parse-error';

/** A problem found while parsing; `line` is 1-based in the input. */
export interface ParseWarning {
  line: number;
  kind: WarningKind;
  message: string;
}

/** What the parser returns for one file. */
export interface ParseResult {
  digests: Digest[];
  /** Every paper of every digest, in file order. */
  papers: Paper[];
  warnings: ParseWarning[];
}

/** Input to the parser: the text and the file name (for the date/source fallbacks). */
export interface ParseInput {
  text: string;
  /** File name or path; only its base name is used (date and source hints). */
  fileName?: string;
}
