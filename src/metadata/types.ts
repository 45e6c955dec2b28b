/** What the metadata clients return, before it is merged into a paper (see merge.ts). Plain data. */
import type { MetaSource } from '../digest/types.ts';

/** One paper as a metadata service describes it. */
export interface FetchedMetadata {
  source: MetaSource;
  /** The key it was asked for: an arXiv id without version, or a lower-case DOI. */
  key: string;
  title: string | null;
  abstract: string | null;
  /** Every author, in order, as the service writes them. */
  authors: string[];
  categories: string[];
  primaryCategory: string | null;
  comment: string | null;
  journalRef: string | null;
  publishedDoi: string | null;
  firstPublished: string | null;
  updated: string | null;
  latestVersion: number | null;
}

/** The answer for one key: found, not found (the service said so), or failed (ask again later). */
export type LookupOutcome =
  | { kind: 'found'; metadata: FetchedMetadata }
  | { kind: 'not-found' }
  | { kind: 'failed'; reason: string };

/** A metadata client: looks many keys up, one outcome per key (never throws for a bad key or a dead service). */
export interface MetadataClient {
  lookup(keys: readonly string[], signal?: AbortSignal): Promise<Map<string, LookupOutcome>>;
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

