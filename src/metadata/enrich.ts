/**
 * Looking papers up and keeping the answers: papers → keys per service → both clients at once (different hosts,
 * each at its own pace) → merged into the stored papers. A paper is looked up once: afterwards it carries `meta`
 * (found or not found) and is skipped unless `refresh` is asked. A failed lookup leaves the paper as it was, so a
 * later pass asks again. Time-boxed by the caller's `signal`: what was answered before it fires is kept.
 */
import type { Paper, PaperId } from '../digest/types.ts';
import type { PaperStore } from '../store/index.ts';
import { applyLookup, lookupKeyOf, needsLookup } from './merge.ts';
import type { LookupOutcome, MetadataClient } from './types.ts';

/** The two services' clients. */
export interface MetadataClients {
  arxiv: MetadataClient;
  biorxiv: MetadataClient;
}

/** What the enricher needs. */
export interface EnrichDeps {
  clients: MetadataClients;
  papers: Pick<PaperStore, 'updateMany'>;
  now?: () => Date;
}

/** What one enrichment pass did (the `cli enrich` contract's counters). */
export interface EnrichReport {
  /** Papers that needed a lookup and were asked for. */
  requested: number;
  enriched: number;
  notFound: number;
  failed: number;
  /** Asked for but not answered in time (the signal fired): looked up later. */
  pending: number;
  /** Papers changed in the store (their new versions, for the search index). */
  changed: Paper[];
  /** A reason when every answer of a service failed (it is down), else null. */
  serviceDown: string | null;
}

/** Looks up the papers that need it and stores the results. Never throws for a dead service; store errors do. */
export async function enrichPapers(
  deps: EnrichDeps,
  papers: readonly Paper[],
  options: { signal?: AbortSignal; refresh?: boolean } = {},
): Promise<EnrichReport> {
  const now = deps.now ?? (() => new Date());
  const wanted = papers.filter((p) => needsLookup(p, options.refresh));
  const byService = { arxiv: new Map<string, PaperId[]>(), biorxiv: new Map<string, PaperId[]>() };
  // When each paper was listed (its own posting date when the digest gives one): bioRxiv/medRxiv list by day.
  const dates = new Map<string, string>();
  for (const p of wanted) {
    const k = lookupKeyOf(p)!;
    const date = p.published ?? p.date;
    if (date && !dates.has(k.key)) dates.set(k.key, date);
    const ids = byService[k.service].get(k.key);
    if (ids) ids.push(p.id);
    else byService[k.service].set(k.key, [p.id]);
  }
  const outcomes = new Map<PaperId, LookupOutcome>();
  let serviceDown: string | null = null;
  await Promise.all(
    (['arxiv', 'biorxiv'] as const).map(async (service) => {
      const keys = [...byService[service].keys()];
      if (keys.length === 0 || options.signal?.aborted) return;
      let answers: Map<string, LookupOutcome>;
      try {
        answers = await deps.clients[service].lookup(keys, options.signal, dates);
      } catch (error) {
        // Out of time: unanswered, so pending (looked up later). Anything else thrown is unexpected: failed.
        if (options.signal?.aborted) return;
        answers = new Map(keys.map((k) => [k, { kind: 'failed', reason: (error as Error).message } as const]));
      }
      const failures = [...answers.values()].filter((o) => o.kind === 'failed');
      if (failures.length > 0 && failures.length === answers.size) serviceDown = `${service}: ${(failures[0] as { reason: string }).reason}`;
      for (const [key, outcome] of answers) for (const id of byService[service].get(key) ?? []) outcomes.set(id, outcome);
    }),
  );
  const report: EnrichReport = { requested: wanted.length, enriched: 0, notFound: 0, failed: 0, pending: 0, changed: [], serviceDown };
  for (const p of wanted) {
    const o = outcomes.get(p.id);
    if (!o) report.pending++;
    else if (o.kind === 'found') report.enriched++;
    else if (o.kind === 'not-found') report.notFound++;
    else report.failed++;
  }
  const answered = [...outcomes].filter(([, o]) => o.kind !== 'failed').map(([id]) => id);
  if (answered.length > 0) {
    const at = now().toISOString();
    report.changed = await deps.papers.updateMany(answered, (stored) => {
      const o = outcomes.get(stored.id);
      if (!o || (!options.refresh && stored.meta !== undefined)) return stored;
      const service = lookupKeyOf(stored)?.service === 'arxiv' ? 'arxiv' : stored.source === 'medrxiv' ? 'medrxiv' : 'biorxiv';
      return applyLookup(stored, o, service, at);
    });
  }
  return report;
}
