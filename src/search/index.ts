/**
 * Search and subscription matching over papers. Pure: no I/O, no clock.
 * - `SearchIndex`: BM25+ (per-field) full-text index with CJK bigrams, query language, suggestions and snapshots.
 * - `compileSubscriptions`: keyword expressions matched against new papers.
 * - `highlight`: Discord-markdown snippets with matched words in bold.
 */
export { SearchIndex, SnapshotError } from './search-index.ts';
export type { SearchHit, SearchResult, SearchOptions, Suggestion, SkippedPaper } from './search-index.ts';
export { readSnapshot, snapshotRevision, SnapshotFormatError, SNAPSHOT_FORMAT, SNAPSHOT_HEADER_BYTES } from './snapshot.ts';
export type { ByteSource, DecodedSnapshot } from './snapshot.ts';
export { parseQuery, MAX_QUERY_LENGTH } from './query.ts';
export type { ParsedQuery, QueryItem } from './query.ts';
export { compileSubscriptions, subscriptionCompiler } from './matcher.ts';
export { relatedPapers, relatedQuery } from './related.ts';
export { explainNoMatch } from './explain.ts';
export type { NoMatchHelp } from './explain.ts';
export { profileQuery } from './profile.ts';
export type { SubscriptionInput, SubscriptionMatch, SubscriptionMatcher } from './matcher.ts';
export { analyze, tokenize } from './analyzer.ts';
export { anyCategoryMatches, normalizeCategory } from './categories.ts';
export { nameMatches } from './names.ts';
export type { Token } from './analyzer.ts';
