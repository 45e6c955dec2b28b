/**
 * Merging looked-up metadata into a paper. Pure. The digest's own text is never overwritten: the English title
 * and abstract go into `titleOriginal` / `abstractOriginal` only when the digest has none (or when an earlier
 * lookup put them there), the full author list replaces the digest's (usually just the first author) only when it
 * is at least as long, and a paper without any title gets the English one. `meta.filled` remembers which fields
 * a lookup wrote, so a refresh may update exactly those.
 */
import type { MetaSource, Paper, PaperMeta } from '../digest/types.ts';
import type { FetchedMetadata, LookupOutcome } from './types.ts';

/** Which service a paper is looked up in, and by which key; null when it has neither an arXiv id nor a preprint DOI. */
export function lookupKeyOf(paper: Paper): { service: 'arxiv' | 'biorxiv'; key: string } | null {
  if (paper.arxivId) return { service: 'arxiv', key: paper.arxivId };
  const doi = paper.doi?.toLowerCase();
  if (!doi) return null;
  const server = paper.source === 'biorxiv' || paper.source === 'medrxiv' ? paper.source : null;
  if (server) return { service: 'biorxiv', key: `${server}:${doi}` };
  if (doi.startsWith('10.1101/') || doi.startsWith('10.64898/')) return { service: 'biorxiv', key: doi };
  return null;
}

/** True when the paper still has to be looked up (never was, or `refresh`), and can be. */
export function needsLookup(paper: Paper, refresh = false): boolean {
  return lookupKeyOf(paper) !== null && (refresh || paper.meta === undefined);
}

/**
 * The paper with the outcome of its lookup applied; `failed` leaves it as it was (it is asked again later).
 * `lookedUpAt` is an ISO timestamp.
 */
export function applyLookup(paper: Paper, outcome: LookupOutcome, source: MetaSource, lookedUpAt: string): Paper {
  if (outcome.kind === 'failed') return paper;
  if (outcome.kind === 'not-found') {
    // A paper found before keeps what it got; only the lookup time and status change.
    const prior = paper.meta;
    return {
      ...paper,
      meta: prior?.status === 'found' ? { ...prior, lookedUpAt } : { ...emptyMeta(source, lookedUpAt), status: 'not-found' },
    };
  }
  return mergeMetadata(paper, outcome.metadata, lookedUpAt);
}

function emptyMeta(source: MetaSource, lookedUpAt: string): PaperMeta {
  return {
    status: 'found',
    source,
    lookedUpAt,
    filled: [],
    categories: [],
    primaryCategory: null,
    comment: null,
    journalRef: null,
    publishedDoi: null,
    firstPublished: null,
    updated: null,
    latestVersion: null,
  };
}

/** Merges found metadata into the paper (see the module comment for the rules). */
export function mergeMetadata(paper: Paper, m: FetchedMetadata, lookedUpAt: string): Paper {
  const before = new Set(paper.meta?.filled ?? []);
  const filled = new Set<string>();
  const out: Paper = { ...paper };
  const ours = (field: string, current: string | null) => current === null || current.trim() === '' || before.has(field);
  const same = (a: string, b: string) => a.replace(/\s+/g, ' ').trim().toLowerCase() === b.replace(/\s+/g, ' ').trim().toLowerCase();
  // An English digest's title already is the English title: keep one copy of it.
  if (m.title && !(paper.titleOriginal === null && same(paper.title, m.title)) && ours('titleOriginal', paper.titleOriginal)) {
    out.titleOriginal = m.title;
    filled.add('titleOriginal');
  } else if (before.has('titleOriginal')) filled.add('titleOriginal');
  if (m.abstract && ours('abstractOriginal', paper.abstractOriginal)) {
    out.abstractOriginal = m.abstract;
    filled.add('abstractOriginal');
  } else if (before.has('abstractOriginal')) filled.add('abstractOriginal');
  if (m.title && ours('title', paper.title)) {
    out.title = m.title;
    filled.add('title');
  }
  if (m.authors.length > 0 && (before.has('authors') || m.authors.length >= paper.authors.length)) {
    out.authors = [...m.authors];
    filled.add('authors');
  }
  out.meta = {
    status: 'found',
    source: m.source,
    lookedUpAt,
    filled: [...filled].sort(),
    categories: [...m.categories],
    primaryCategory: m.primaryCategory,
    comment: m.comment,
    journalRef: m.journalRef,
    publishedDoi: m.publishedDoi,
    firstPublished: m.firstPublished,
    updated: m.updated,
    latestVersion: m.latestVersion,
  };
  return out;
}

/** The title to show: the digest's (usually Chinese) title, else the English one, else the id. */
export function displayTitle(paper: Paper): string {
  return paper.title.trim() || paper.titleOriginal?.trim() || paper.id;
}
