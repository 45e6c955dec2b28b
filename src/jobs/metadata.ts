/**
 * When papers are looked up (issue 13): the papers a run ingests, at once and within a time budget so today's posts
 * carry English titles and every author — a lookup failure or a slow service never delays posting beyond the
 * budget; and every other paper of the archive in the background, at the services' polite pace, resumably (a paper
 * looked up carries `meta` and is skipped by the next pass), with its progress kept in the store for
 * `/digest status`. Store writes and index updates of both paths go one after the other, so the search index always
 * follows the store's revisions.
 */
import { z } from 'zod';
import type { Archive, RevisionRange } from '../archive.ts';
import type { Paper } from '../digest/types.ts';
import type { Logger } from '../log.ts';
import { enrichPapers, lookupKeyOf, needsLookup, type EnrichReport, type MetadataClients, type MetadataProgress } from '../metadata/index.ts';

export type { MetadataProgress } from '../metadata/index.ts';

/** The meta key of the lookup progress (store/import-rules.ts lists it, so `cli import` accepts it). */
export const PROGRESS_KEY = 'metadata-progress';
const progressSchema = z.object({
  total: z.number(),
  done: z.number(),
  pending: z.number(),
  running: z.boolean(),
  lastPassAt: z.string().nullable(),
  lastError: z.string().nullable(),
});

/** What the metadata job needs. */
export interface MetadataJobDeps {
  archive: Archive;
  clients: MetadataClients;
  log: Logger;
  /** Time a run may spend looking its new papers up before it plans posts. */
  budgetMs: number;
  /** Papers per back-fill step (one arXiv request holds up to 100). */
  chunk?: number;
  now?: () => Date;
  /** Told of every batch of changed papers with the store revisions it spans (other processes' indexes follow). */
  onChanged?: (papers: readonly Paper[], range: RevisionRange) => Promise<void>;
}

/** The metadata job. */
export interface MetadataJob {
  /** Looks up new papers within the budget; never throws (a failure is logged and the papers stay pending). */
  enrichNew(papers: readonly Paper[]): Promise<EnrichReport | null>;
  /** Starts a background back-fill pass unless one is under way; resolves when that pass ends. */
  backfill(): Promise<MetadataProgress>;
  /** The last known progress (from the store). */
  progress(): Promise<MetadataProgress | null>;
  /** Ends a pass under way (at the next request boundary) and waits for it. */
  stop(): Promise<void>;
}

/** Creates the metadata job. */
export function createMetadataJob(deps: MetadataJobDeps): MetadataJob {
  const { archive, log } = deps;
  const stores = archive.stores;
  const chunk = deps.chunk ?? 100;
  let writes: Promise<unknown> = Promise.resolve();
  let pass: Promise<MetadataProgress> | null = null;
  const stopper = new AbortController();
  /** False once a pass found nothing left to look up; set again when a lookup is left pending or failed. */
  let dirty = true;

  /** Looks up, then stores and indexes under one lock so revision ranges stay exact. */
  async function step(papers: readonly Paper[], signal: AbortSignal): Promise<EnrichReport> {
    let from = 0;
    const store = {
      updateMany: (ids: readonly string[], change: (p: Paper) => Paper) => {
        const turn = writes.then(async () => {
          from = await stores.papers.revision();
          const changed = await stores.papers.updateMany(ids, change);
          const to = await stores.papers.revision();
          const range = { from, to, writes: changed.length > 0 ? 1 : 0 };
          await archive.indexPapers(changed, range);
          if (changed.length > 0) await deps.onChanged?.(changed, range).catch((error: unknown) => log.warn({ err: error }, 'could not announce looked-up papers'));
          return changed;
        });
        writes = turn.catch(() => undefined);
        return turn;
      },
    };
    return enrichPapers({ clients: deps.clients, papers: store, ...(deps.now ? { now: deps.now } : {}) }, papers, { signal });
  }

  async function saveProgress(p: MetadataProgress): Promise<void> {
    await stores.meta.set(PROGRESS_KEY, p).catch((error: unknown) => log.warn({ err: error }, 'could not save metadata progress'));
  }

  async function runPass(): Promise<MetadataProgress> {
    const pending: Paper[] = [];
    let total = 0;
    for await (const p of stores.papers.all()) {
      if (!lookupKeyOf(p)) continue;
      total++;
      if (needsLookup(p)) pending.push(p);
    }
    const progress: MetadataProgress = {
      total,
      done: total - pending.length,
      pending: pending.length,
      running: pending.length > 0,
      lastPassAt: null,
      lastError: null,
    };
    await saveProgress(progress);
    let changedSinceSave = 0;
    for (let i = 0; i < pending.length && !stopper.signal.aborted; i += chunk) {
      const report = await step(pending.slice(i, i + chunk), stopper.signal);
      progress.done += report.enriched + report.notFound;
      progress.pending -= report.enriched + report.notFound;
      changedSinceSave += report.changed.length;
      if (report.failed + report.pending > 0) dirty = true;
      if (report.serviceDown) {
        progress.lastError = report.serviceDown;
        log.warn({ reason: report.serviceDown }, 'metadata back-fill paused: a service is not answering; the next run resumes it');
        break;
      }
      await saveProgress(progress);
      if (changedSinceSave >= 2000) {
        changedSinceSave = 0;
        await archive.saveSnapshot().catch((error: unknown) => log.warn({ err: error }, 'could not save the search index snapshot'));
      }
    }
    progress.running = false;
    progress.lastPassAt = (deps.now?.() ?? new Date()).toISOString();
    await saveProgress(progress);
    if (changedSinceSave > 0) await archive.saveSnapshot().catch((error: unknown) => log.warn({ err: error }, 'could not save the search index snapshot'));
    log.info({ ...progress }, 'metadata back-fill pass finished');
    return progress;
  }

  return {
    async enrichNew(papers) {
      if (papers.length === 0) return null;
      // A ref'd timer (AbortSignal.timeout's is not): the budget must fire even when nothing else keeps Node awake.
      const budget = new AbortController();
      const timer = setTimeout(() => budget.abort(new Error('metadata budget spent')), deps.budgetMs);
      const signal = AbortSignal.any([budget.signal, stopper.signal]);
      try {
        // The stored versions: a paper looked up meanwhile (back-fill, another run) is not asked for again.
        const current = (await stores.papers.getMany(papers.map((p) => p.id))).filter((p): p is Paper => p !== undefined);
        const report = await step(current, signal);
        if (report.pending + report.failed > 0) dirty = true;
        log.info({ ...report, changed: report.changed.length }, 'new papers looked up');
        return report;
      } catch (error) {
        log.warn({ err: error }, 'looking up new papers failed; they are looked up later');
        return null;
      } finally {
        clearTimeout(timer);
      }
    },
    backfill() {
      if (!dirty && !pass) return Promise.resolve({ total: 0, done: 0, pending: 0, running: false, lastPassAt: null, lastError: null });
      dirty = false;
      pass ??= runPass()
        .catch((error: unknown) => {
          dirty = true;
          log.warn({ err: error }, 'metadata back-fill failed; the next run resumes it');
          return { total: 0, done: 0, pending: 0, running: false, lastPassAt: null, lastError: (error as Error).message };
        })
        .finally(() => {
          pass = null;
        });
      return pass;
    },
    async progress() {
      return (await stores.meta.get(PROGRESS_KEY, progressSchema)) ?? null;
    },
    async stop() {
      stopper.abort(new Error('stopping'));
      await pass?.catch(() => undefined);
      await writes.catch(() => undefined);
    },
  };
}
