/** What the metadata clients return, before it is merged into a paper (see merge.ts). Plain data. */
import type { PaperMeta } from '../digest/types.ts';
import type { Clock } from './clock.ts';
import type { Pacer } from './pacer.ts';

/**
 * One paper as a metadata service describes it: the facts `PaperMeta` keeps (same names, one definition), plus the
 * key it was asked for and the English title, abstract and authors that merging puts into the paper itself.
 */
export type FetchedMetadata = Pick<
  PaperMeta,
  'source' | 'categories' | 'primaryCategory' | 'comment' | 'journalRef' | 'publishedDoi' | 'firstPublished' | 'updated' | 'latestVersion'
> & {
  /** The key it was asked for: an arXiv id without version, or a lower-case DOI. */
  key: string;
  title: string | null;
  abstract: string | null;
  /** Every author, in order, as the service writes them. */
  authors: string[];
};

/** The answer for one key: found, not found (the service said so), or failed (ask again later). */
export type LookupOutcome =
  | { kind: 'found'; metadata: FetchedMetadata }
  | { kind: 'not-found' }
  | { kind: 'failed'; reason: string };

/** Options every metadata client takes; everything but the URL has a polite default. */
export interface ClientOptions {
  url?: string;
  /** A contact address for the User-Agent (the APIs ask for one). */
  contact?: string;
  intervalMs?: number;
  timeoutMs?: number;
  attempts?: number;
  backoffMs?: number;
  /** Default: the process-wide pacer of the API's origin (the terms bind all callers together). */
  pacer?: Pacer;
  clock?: Clock;
  random?: () => number;
}

/** A metadata client: looks many keys up, one outcome per key (never throws for a bad key or a dead service). */
export interface MetadataClient {
  /**
   * `dates` (optional): the digest date (YYYY-MM-DD) each key was listed under; a client may use it to ask for many
   * keys at once (bioRxiv/medRxiv day ranges). Keys without a date are asked for as usual.
   */
  lookup(keys: readonly string[], signal?: AbortSignal, dates?: ReadonlyMap<string, string>): Promise<Map<string, LookupOutcome>>;
  /** Requests sent so far. */
  readonly requests: number;
}

/** Collapses whitespace (hard-wrapped Atom text) and trims; null for empty. */
export function cleanText(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const out = String(text).replace(/\s+/g, ' ').trim();
  return out === '' ? null : out;
}

/** Back-fill progress, as `/digest status` shows it (typed; rendered with i18n keys in commands/digest.ts). */
export interface MetadataProgress {
  /** Papers that can be looked up (an arXiv id or a bioRxiv/medRxiv DOI). */
  total: number;
  /** Of those, looked up (found or not found). */
  done: number;
  /** Still to look up. */
  pending: number;
  /** True while a pass is under way. */
  running: boolean;
  /** ISO time the last pass ended, or null. */
  lastPassAt: string | null;
  /** Why the last pass stopped early (a service down), or null. */
  lastError: string | null;
}

