/**
 * Paper metadata from arXiv and bioRxiv/medRxiv: the clients (edges), merging (pure) and the enricher that keeps
 * the answers in the store. The scheduled run and the background back-fill live in src/jobs/metadata.ts.
 */
export { createArxivClient, ARXIV_DEFAULTS } from './arxiv.ts';
export type { ArxivClientOptions } from './arxiv.ts';
export { createBiorxivClient, BIORXIV_DEFAULTS } from './biorxiv.ts';
export type { BiorxivClientOptions } from './biorxiv.ts';
export { enrichPapers } from './enrich.ts';
export type { EnrichDeps, EnrichReport, MetadataClients } from './enrich.ts';
export { applyLookup, displayTitle, lookupKeyOf, mergeMetadata, needsLookup } from './merge.ts';
export { systemClock, fakeClock } from './clock.ts';
export { memoryMetadataClient } from './memory.ts';
export type { Clock } from './clock.ts';
export { createPacer, sharedPacer } from './pacer.ts';
export type { Pacer } from './pacer.ts';
export type { FetchedMetadata, LookupOutcome, MetadataClient, MetadataProgress } from './types.ts';
