/**
 * The paper archive. Each paper is its own key; listing goes through explicit indexes rather than
 * `keyv.iterator()`: one id list per digest date (`papers:by-date:<YYYY-MM-DD>`) plus one small document of
 * dates with their counts. 100,000 papers are then a few hundred date lists, and listing all is
 * dates → lists → getMany, with no single giant value rewritten on every ingest.
 */
import { z } from 'zod';
import type { Paper, PaperId } from '../digest/types.ts';
import type { StoreContext } from './context.ts';
import { addItems, loadMany, readLists, removeItems, safeKey } from './context.ts';
import { BATCH_SIZE, decodeValue } from './kv.ts';
import { boundPaper } from './limits.ts';
import { paperRecord, SCHEMA_VERSION, storedPaper, withVersion } from './records.ts';

/** What `upsertMany` changed. A paper that was already stored exactly as given is in neither list. */
export interface UpsertResult {
  added: Paper[];
  updated: Paper[];
}

/** The paper archive. */
export interface PaperStore {
  get(id: PaperId): Promise<Paper | undefined>;
  /** Papers in the order of `ids`, `undefined` where unknown. */
  getMany(ids: readonly PaperId[]): Promise<(Paper | undefined)[]>;
  /**
   * Adds new papers and merges known ones: the first-seen date and source are kept (a missing date is filled in),
   * a later arXiv version replaces `version` and the links, empty fields are filled; nothing else changes.
   */
  upsertMany(papers: readonly Paper[]): Promise<UpsertResult>;
  /** Number of papers (from the date index; one read). */
  count(): Promise<number>;
  /** Paper ids, newest digest date first (undated last), in ingest order within a date. */
  ids(): AsyncIterable<PaperId>;
  /** Papers in the order of `ids()`, fetched in batches. */
  all(): AsyncIterable<Paper>;
  /** The papers filed under the newest digest date that has any (of `source`, when given). */
  latest(source?: string): Promise<Paper[]>;
  /** Digest dates with their paper counts, newest first; `null` stands for undated papers. */
  dates(): Promise<{ date: string | null; count: number }[]>;
  /** Increases on every change; the search index compares it with its snapshot's. */
  revision(): Promise<number>;
  /**
   * True when a write was cut short (a crash between writing records and bumping the revision): the revision then
   * does not show that records changed, so an index that matches it may still be behind. Stays set until the
   * listings are repaired (by the next write, or `repair()`).
   */
  writeInterrupted(): Promise<boolean>;
  /**
   * Brings the listings back in line with the records after a write was cut short: drops listed ids whose record
   * is missing or filed under another date (a retry from another day's digest), recounts the dates and clears
   * `writeInterrupted()`. Reads every listed record. The next write does this by itself, under the writers' lock;
   * only the writer may call it (another process's write in progress looks cut short). Returns the entries dropped.
   */
  repair(): Promise<number>;
  /**
   * Rewrites stored papers through `change` (looked-up metadata): read, changed and written under the papers lock,
   * so a digest ingested meanwhile is not lost. `change` returns the same object for "no change". Ids that are not
   * stored are skipped. Returns the papers that changed. The date a paper is filed under never changes here.
   */
  updateMany(ids: readonly PaperId[], change: (paper: Paper) => Paper): Promise<Paper[]>;
  /**
   * What changed after revision `since`: the ids written by each later write, up to the revision returned. Undefined
   * when the store cannot tell — `since` is older than the change records kept (`CHANGES_KEPT` writes), a write in the
   * range was cut short (its ids are unknown), or the store predates change records — and the caller must reread
   * everything. Lets a second process's index catch up with what changed instead of rebuilding from the store.
   */
  changesSince(since: number): Promise<{ revision: number; ids: PaperId[] } | undefined>;
}

/**
 * Writes whose changed ids are kept (one small key per write, the oldest dropped as each new one is written): an index
 * more than this many writes behind rebuilds instead of catching up.
 */
export const CHANGES_KEPT = 1000;
/** A write changing more papers than this records "unknown" (an import): catching up would cost a rebuild anyway. */
const CHANGES_MAX_IDS = 20_000;

const UNDATED = 'undated';
const DATES_KEY = 'papers:dates';
const REVISION_KEY = 'papers:revision';
/**
 * Set while a write is under way, cleared after its revision bump: a write cut short in between (a crash) leaves
 * records that no revision accounts for, and this key says so to whoever opens the store next.
 */
const WRITING_KEY = 'papers:writing';
const storedDates = z
  .object({ v: z.literal(SCHEMA_VERSION), dates: z.record(z.string(), z.number().int()) })
  .transform((d) => d.dates);
const storedRevision = z.object({ v: z.literal(SCHEMA_VERSION), n: z.number().int() }).transform((d) => d.n);
/** One write's changed ids; `unknown` when they cannot be listed (a write cut short before it, or too many). */
const storedChanges = z.object({ v: z.literal(SCHEMA_VERSION), ids: z.array(z.string()), unknown: z.boolean().optional() });
const changesKey = (revision: number) => `papers:changes:${revision}`;

const paperKey = (id: PaperId) => safeKey('paper', id);
const bucketKey = (bucket: string) => `papers:by-date:${bucket}`;
const bucketOf = (paper: Paper) => paper.date ?? UNDATED;
/** Newest first; the undated bucket last. */
const byNewest = (a: string, b: string) => (a === UNDATED ? 1 : b === UNDATED ? -1 : a < b ? 1 : a > b ? -1 : 0);

/**
 * Merges a newly seen copy of a paper into the stored one (see `PaperStore.upsertMany`). Pure; exported for tests.
 */
export function mergePaper(stored: Paper, seen: Paper): Paper {
  const merged: Paper = { ...stored };
  const fill = <K extends keyof Paper>(key: K) => {
    if ((merged[key] === null || merged[key] === '') && seen[key] !== null && seen[key] !== '') merged[key] = seen[key];
  };
  const newer = seen.version !== null && (stored.version === null || seen.version > stored.version);
  if (newer) {
    merged.version = seen.version;
    merged.pdfUrl = seen.pdfUrl ?? merged.pdfUrl;
    merged.url = seen.url ?? merged.url;
    merged.codeUrl = seen.codeUrl ?? merged.codeUrl;
  }
  for (const key of [
    'arxivId', 'doi', 'date', 'published', 'titleOriginal', 'abstract', 'abstractOriginal',
    'pdfUrl', 'url', 'codeUrl', 'notes', 'title',
  ] as const) {
    fill(key);
  }
  if (merged.authors.length === 0 && seen.authors.length > 0) merged.authors = [...seen.authors];
  addVariant(merged, seen);
  return merged;
}

/** Other wordings kept per paper: enough for every digest that re-lists a paper, bounded against abuse. */
export const MAX_VARIANTS = 8;

/**
 * Remembers `seen`'s title and abstract when they are worded differently from every wording `merged` already
 * has (another digest's translation), so that a user who remembers that wording still finds the paper.
 */
function addVariant(merged: Paper, seen: Paper): void {
  const fresh = seen.variants ? [...seen.variants, { title: seen.title, abstract: seen.abstract }] : [{ title: seen.title, abstract: seen.abstract }];
  const titles = new Set<string | null>([merged.title, ...(merged.variants ?? []).map((v) => v.title)]);
  const abstracts = new Set<string | null>([merged.abstract, ...(merged.variants ?? []).map((v) => v.abstract)]);
  let variants = merged.variants ?? [];
  for (const v of fresh) {
    const title = v.title && !titles.has(v.title) ? v.title : null;
    const abstract = v.abstract && !abstracts.has(v.abstract) ? v.abstract : null;
    if (title === null && abstract === null) continue;
    titles.add(title);
    abstracts.add(abstract);
    variants = [...variants, { title, abstract }];
  }
  if (variants.length > 0) merged.variants = variants.slice(-MAX_VARIANTS);
}

/** Field-by-field equality (cheaper than comparing JSON strings, which dominated re-ingest time). */
function samePaper(a: Paper, b: Paper): boolean {
  for (const key of Object.keys(a) as (keyof Paper)[]) {
    if (key === 'authors') {
      if (a.authors.length !== b.authors.length || a.authors.some((name, i) => name !== b.authors[i])) return false;
    } else if (key === 'variants') {
      if (JSON.stringify(a.variants) !== JSON.stringify(b.variants)) return false;
    } else if (a[key] !== b[key]) return false;
  }
  return Object.keys(a).length === Object.keys(b).length;
}

/** The Keyv-backed paper store. */
export function keyvPaperStore(ctx: StoreContext): PaperStore {
  async function readDates(): Promise<Record<string, number>> {
    return decodeValue(storedDates, DATES_KEY, await ctx.kv.get(DATES_KEY), ctx.log) ?? {};
  }
  async function revision(): Promise<number> {
    return decodeValue(storedRevision, REVISION_KEY, await ctx.kv.get(REVISION_KEY), ctx.log) ?? 0;
  }
  async function sortedBuckets(): Promise<string[]> {
    return Object.keys(await readDates()).sort(byNewest);
  }
  /** Each date's id list, newest date first. */
  async function* lists(): AsyncIterable<{ bucket: string; items: PaperId[] }> {
    const buckets = await sortedBuckets();
    for (let i = 0; i < buckets.length; i += 50) {
      const page = buckets.slice(i, i + 50);
      const read = await readLists(ctx, page.map(bucketKey));
      for (let j = 0; j < page.length; j++) yield { bucket: page[j] as string, items: read[j] ?? [] };
    }
  }
  async function* ids(): AsyncIterable<PaperId> {
    for await (const { items } of lists()) yield* items;
  }
  async function writeInterrupted(): Promise<boolean> {
    return (await ctx.kv.get(WRITING_KEY)) !== undefined;
  }
  /**
   * Drops listed ids whose record is missing or filed under another date, and recounts the dates (see `repair`).
   * Caller holds the papers lock. Returns the entries dropped.
   */
  async function repairListings(): Promise<number> {
    let dropped = 0;
    const counts: Record<string, number> = {};
    const seen = new Set<PaperId>();
    for await (const { bucket, items } of lists()) {
      const kept: PaperId[] = [];
      for (let i = 0; i < items.length; i += BATCH_SIZE) {
        const slice = items.slice(i, i + BATCH_SIZE);
        const papers = await getMany(slice);
        slice.forEach((id, j) => {
          const paper = papers[j];
          if (paper !== undefined && bucketOf(paper) === bucket && !seen.has(id)) {
            seen.add(id);
            kept.push(id);
          }
        });
      }
      dropped += items.length - kept.length;
      if (kept.length > 0) counts[bucket] = kept.length;
      if (kept.length === items.length) continue;
      if (kept.length > 0) await ctx.kv.set(bucketKey(bucket), withVersion({ items: kept }));
      else await ctx.kv.deleteMany([bucketKey(bucket)]);
    }
    await ctx.kv.set(DATES_KEY, { v: SCHEMA_VERSION, dates: counts });
    if (dropped > 0) ctx.log.warn({ dropped }, 'store: repaired the paper listings after a write that was cut short');
    return dropped;
  }
  /**
   * Runs `write` (changing the papers `ids`) between setting and clearing the in-progress marker, records the ids
   * as the next revision's changes, then bumps the revision. A marker already there is an earlier write cut short:
   * its leftovers are repaired first, under the same lock, and this revision's changes are marked unknown, since the
   * cut-short write changed records no change record lists.
   */
  async function marked<T>(ids: readonly PaperId[], write: () => Promise<T>): Promise<T> {
    const cutShort = await writeInterrupted();
    if (cutShort) await repairListings();
    else await ctx.kv.set(WRITING_KEY, { v: SCHEMA_VERSION, n: 1 });
    const result = await write();
    const next = (await revision()) + 1;
    const unknown = cutShort || ids.length > CHANGES_MAX_IDS;
    // Written before the revision moves, so a reader that sees revision `next` finds its changes.
    await ctx.kv.set(changesKey(next), unknown ? { v: SCHEMA_VERSION, ids: [], unknown } : { v: SCHEMA_VERSION, ids: [...ids] });
    if (next > CHANGES_KEPT) await ctx.kv.deleteMany([changesKey(next - CHANGES_KEPT)]);
    await ctx.kv.set(REVISION_KEY, { v: SCHEMA_VERSION, n: next });
    await ctx.kv.deleteMany([WRITING_KEY]);
    return result;
  }
  async function getMany(list: readonly PaperId[]): Promise<(Paper | undefined)[]> {
    const keys = list.map(paperKey);
    const raws = await ctx.kv.getMany(keys);
    return raws.map((raw, i) => readPaper(keys[i] ?? '', raw));
  }
  /** Decodes a stored paper, bounded: a record written before the limits existed is cut on the way out, not fatal. */
  function readPaper(key: string, raw: unknown): Paper | undefined {
    const decoded = decodeValue(storedPaper, key, raw, ctx.log);
    if (decoded === undefined) return undefined;
    const { paper, cut } = boundPaper(decoded);
    if (cut.length > 0) ctx.log.warn({ key, fields: cut }, 'store: a stored paper is over the size limits; shown cut');
    return paper;
  }

  return {
    async get(id) {
      return readPaper(paperKey(id), await ctx.kv.get(paperKey(id)));
    },
    getMany,
    upsertMany(input) {
      return ctx.mutex.run('papers', async () => {
        // Collapse repeats inside the batch first (the same paper in two digests of one file).
        const incoming = new Map<PaperId, Paper>();
        for (const raw of input) {
          const { paper, cut } = boundPaper(raw);
          if (cut.length > 0) ctx.log.warn({ paper: paper.id, fields: cut }, 'store: paper fields over the size limits were cut');
          const prior = incoming.get(paper.id);
          incoming.set(paper.id, prior ? mergePaper(prior, paper) : paper);
        }
        const ids = [...incoming.keys()];
        const stored = await getMany(ids);
        const added: Paper[] = [];
        const updated: Paper[] = [];
        const bucketAdds = new Map<string, PaperId[]>();
        const bucketRemovals = new Map<string, PaperId[]>();
        const push = (map: Map<string, PaperId[]>, bucket: string, id: PaperId) => {
          const list = map.get(bucket);
          if (list) list.push(id);
          else map.set(bucket, [id]);
        };
        ids.forEach((id, i) => {
          const seen = incoming.get(id) as Paper;
          const old = stored[i];
          if (old === undefined) {
            added.push(seen);
            push(bucketAdds, bucketOf(seen), id);
            return;
          }
          const merged = mergePaper(old, seen);
          if (samePaper(merged, old)) return;
          updated.push(merged);
          if (bucketOf(merged) !== bucketOf(old)) {
            push(bucketRemovals, bucketOf(old), id);
            push(bucketAdds, bucketOf(merged), id);
          }
        });
        if (added.length === 0 && updated.length === 0) return { added, updated };

        return marked([...added, ...updated].map((p) => p.id), async () => {
          // Indexes are written before the records: a failure in between leaves an id without a record, which
          // listing skips and a retried upsert repairs — never a stored paper that no listing can reach.
          const touched = [...new Set([...bucketAdds.keys(), ...bucketRemovals.keys()])];
          if (touched.length > 0) {
            const [current, dates] = await Promise.all([readLists(ctx, touched.map(bucketKey)), readDates()]);
            const writes = touched.map((bucket, i) => {
              let items = current[i] ?? [];
              items = removeItems(items, bucketRemovals.get(bucket) ?? []);
              items = addItems(items, bucketAdds.get(bucket) ?? []);
              if (items.length > 0) dates[bucket] = items.length;
              else delete dates[bucket];
              return { key: bucketKey(bucket), value: withVersion({ items }) };
            });
            await ctx.kv.setMany(writes);
            await ctx.kv.set(DATES_KEY, { v: SCHEMA_VERSION, dates });
          }
          const records = [...added, ...updated].map((p) => ({ key: paperKey(p.id), value: paperRecord(p) }));
          for (let i = 0; i < records.length; i += BATCH_SIZE * 4) {
            await ctx.kv.setMany(records.slice(i, i + BATCH_SIZE * 4));
          }
          return { added, updated };
        });
      });
    },
    async count() {
      return Object.values(await readDates()).reduce((sum, n) => sum + n, 0);
    },
    ids,
    async *all() {
      // An id listed under a date its record does not carry is a leftover of a cut-short write (see `repair`).
      for await (const { bucket, items } of lists()) {
        for (let i = 0; i < items.length; i += BATCH_SIZE) {
          for (const paper of await getMany(items.slice(i, i + BATCH_SIZE))) {
            if (paper !== undefined && bucketOf(paper) === bucket) yield paper;
          }
        }
      }
    },
    async latest(source) {
      for (const bucket of await sortedBuckets()) {
        const [list = []] = await readLists(ctx, [bucketKey(bucket)]);
        const papers = (await loadMany(ctx, storedPaper, list.map(paperKey))).filter(
          (p) => source === undefined || p.source === source,
        );
        if (papers.length > 0) return papers;
      }
      return [];
    },
    async dates() {
      const dates = await readDates();
      return Object.keys(dates)
        .sort(byNewest)
        .map((date) => ({ date: date === UNDATED ? null : date, count: dates[date] ?? 0 }));
    },
    revision,
    writeInterrupted,
    async changesSince(since) {
      const now = await revision();
      if (since === now) return { revision: now, ids: [] };
      if (since > now || now - since > CHANGES_KEPT || since < 0) return undefined;
      const keys = Array.from({ length: now - since }, (_, i) => changesKey(since + 1 + i));
      const ids = new Set<PaperId>();
      const raws = await ctx.kv.getMany(keys);
      for (let i = 0; i < keys.length; i++) {
        const changes = decodeValue(storedChanges, keys[i] ?? '', raws[i], ctx.log);
        if (changes === undefined || changes.unknown) return undefined;
        for (const id of changes.ids) ids.add(id);
      }
      return { revision: now, ids: [...ids] };
    },
    repair() {
      return ctx.mutex.run('papers', async () => {
        if (!(await writeInterrupted())) return 0;
        const dropped = await repairListings();
        await ctx.kv.deleteMany([WRITING_KEY]);
        return dropped;
      });
    },
    updateMany(list, change) {
      return ctx.mutex.run('papers', async () => {
        const stored = await getMany(list);
        const changed: Paper[] = [];
        for (const old of stored) {
          if (!old) continue;
          const next = change(old);
          if (next !== old) changed.push({ ...next, date: old.date });
        }
        if (changed.length === 0) return changed;
        return marked(changed.map((p) => p.id), async () => {
          const records = changed.map((p) => ({ key: paperKey(p.id), value: paperRecord(p) }));
          for (let i = 0; i < records.length; i += BATCH_SIZE * 4) await ctx.kv.setMany(records.slice(i, i + BATCH_SIZE * 4));
          return changed;
        });
      });
    },
  };
}
