/**
 * The delivery outbox (issue 5): every planned message is stored under the planner's deterministic id before it
 * is sent, and marked sent only once Discord confirmed it. Sent entries stay readable by id (so a re-plan never
 * re-enqueues them) but are no longer listed.
 *
 * Layout (issue 18): each entry is its own key (`outbox:<id>`); the open queue is a segmented list
 * (`outbox:queue`, segments.ts) of ids in creation order, the given-up ones another (`outbox:failed-log`). Marking
 * an entry sent or counting an attempt writes that entry's record only — O(1), however long the queue. Ids whose
 * record says sent or failed are dropped from the queue lazily, by `pending()`, a segment at a time.
 *
 * Bodies are stored once per distinct body (`outbox-body:<hash>`, immutable): a thousand channels get the same ten
 * digest messages, and writing each one's 6 kB of embeds a thousand times was most of the planning time. Records
 * name their body (`bodyRef`); those written before carry it inline and still load.
 *
 * The number of pending entries (`outbox-depth`) is written in the same statement as the records whose state it
 * counts (one `setMany`: one SQL statement, one Redis MULTI), under its own lock, so a crash never leaves the two
 * disagreeing and `depth()` is one read. A store without the count (older, or a count that does not decode) gets it
 * recounted once from the queue. Marks arriving together are written together (one read, one write for the batch).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { StoreContext } from './context.ts';
import { loadMany, safeKey } from './context.ts';
import type { KvEntry } from './kv.ts';
import { decodeValue } from './kv.ts';
import type { OutboxEntry, OutboxRecord } from './records.ts';
import { SCHEMA_VERSION, storedOutboxRecord, withVersion } from './records.ts';
import { appendSegmented, readSegmented, readSegments, removeSegmented } from './segments.ts';

/** A message to enqueue: state, attempts and timestamps are filled in. */
export type NewOutboxEntry = Pick<OutboxEntry, 'id' | 'target' | 'body' | 'paperIds'> & { createdAt?: string };

/** The outbox. */
export interface Outbox {
  /**
   * Stores the entries whose id is not in the outbox yet; an existing entry (pending, sent or failed) is never
   * overwritten. Returns the ids actually enqueued.
   */
  enqueueMany(entries: readonly NewOutboxEntry[]): Promise<string[]>;
  /** Pending entries in creation order (at most `limit`). */
  pending(limit?: number): Promise<OutboxEntry[]>;
  get(id: string): Promise<OutboxEntry | undefined>;
  /** Entries by id, in the order given; unknown ids are left out. */
  getMany(ids: readonly string[]): Promise<OutboxEntry[]>;
  /** Marks an entry sent with Discord's message id; returns the updated entry, undefined if unknown. */
  markSent(id: string, messageId: string): Promise<OutboxEntry | undefined>;
  /** Counts a failed attempt that will be retried (the entry stays pending). */
  recordAttempt(id: string, error: string): Promise<OutboxEntry | undefined>;
  /** Gives up on an entry (e.g. the channel was deleted): it leaves the pending queue. */
  markFailed(id: string, error: string): Promise<OutboxEntry | undefined>;
  /** Failed entries, oldest first. */
  failed(): Promise<OutboxEntry[]>;
  /** Number of pending entries (the `/metrics` outbox depth). */
  depth(): Promise<number>;
  /** Puts entries back exactly as given (import); an existing id is replaced. */
  restoreMany(entries: readonly OutboxEntry[]): Promise<void>;
  /**
   * Puts failed entries that `match` back in the pending queue, attempts reset (a channel was fixed and added
   * again). Returns how many. Their papers stay marked delivered, so they are sent once, by these entries.
   */
  retryFailed(match: (entry: OutboxEntry) => boolean): Promise<number>;
}

/** Key of the open queue (a segmented list of ids in creation order). */
export const QUEUE_KEY = 'outbox:queue';
/** Key of the given-up entries (a segmented list). */
export const FAILED_LOG_KEY = 'outbox:failed-log';
/** Key of the number of pending entries. */
export const DEPTH_KEY = 'outbox-depth';
const SEGMENT = 256;
/** Held while entries come back to pending and while `pending()` drops done ids: the two never interleave. */
const REVIVE_LOCK = 'revive:outbox:queue';
/** Held by every write that changes an entry's state (and so, maybe, the count). */
const DEPTH_LOCK = 'outbox-depth';
const READ_BATCH = 500;
/** Records (plus their bodies and the count) per write: one statement, below the store's batch size. */
const WRITE_BATCH = 200;
/** Distinct bodies kept in memory (they never change, so a cached one is never stale). */
const BODY_CACHE = 1000;
const entryKey = (id: string) => safeKey('outbox', id);
const bodyKey = (ref: string) => `outbox-body:${ref}`;
const storedBody = z.object({ v: z.literal(SCHEMA_VERSION), body: z.unknown() });
const storedDepth = z.object({ v: z.literal(SCHEMA_VERSION), pending: z.number().int().min(0) });

/** What a change of one entry does to it. */
type Change = (entry: OutboxRecord) => OutboxRecord;
/** Writes entries together with the count they leave (one statement). */
type DepthWrite = (entries: readonly KvEntry[], depth: number) => Promise<void>;

/** The Keyv-backed outbox. */
export function keyvOutbox(ctx: StoreContext): Outbox {
  /** Body JSON by reference, most recently used last. */
  const bodies = new Map<string, string>();
  const remember = (ref: string, text: string) => {
    bodies.delete(ref);
    bodies.set(ref, text);
    if (bodies.size > BODY_CACHE) bodies.delete(bodies.keys().next().value as string);
  };

  /** Splits an entry into its record (naming its body) and the body's own key. */
  function split(entry: OutboxEntry): { record: KvEntry; body: KvEntry; ref: string } {
    const { body, ...rest } = entry;
    const text = JSON.stringify(body ?? null);
    const ref = createHash('sha256').update(text).digest('base64url').slice(0, 32);
    remember(ref, text);
    return {
      record: { key: entryKey(entry.id), value: withVersion({ ...rest, bodyRef: ref }) },
      body: { key: bodyKey(ref), value: { v: SCHEMA_VERSION, body: body ?? null } },
      ref,
    };
  }

  /** Records with their bodies; a record whose body cannot be read is reported and left out. */
  async function resolve(records: readonly OutboxRecord[]): Promise<OutboxEntry[]> {
    const found = new Map<string, string>();
    const missing = new Set<string>();
    for (const { bodyRef } of records) {
      if (bodyRef === undefined || found.has(bodyRef)) continue;
      const text = bodies.get(bodyRef);
      if (text === undefined) missing.add(bodyRef);
      else found.set(bodyRef, text);
    }
    if (missing.size) {
      const refs = [...missing];
      const raws = await ctx.kv.getMany(refs.map(bodyKey));
      refs.forEach((ref, i) => {
        const stored = decodeValue(storedBody, bodyKey(ref), raws[i], ctx.log);
        if (!stored) return;
        const text = JSON.stringify(stored.body ?? null);
        found.set(ref, text);
        remember(ref, text);
      });
    }
    return records.flatMap((record) => {
      const { bodyRef, body, ...rest } = record;
      if (bodyRef === undefined) return [{ ...rest, body }];
      const text = found.get(bodyRef);
      if (text === undefined) {
        ctx.log.warn({ key: entryKey(record.id), bodyRef }, 'store: skipped an outbox entry whose body is missing');
        return [];
      }
      return [{ ...rest, body: JSON.parse(text) as unknown }];
    });
  }

  async function records(ids: readonly string[]): Promise<Map<string, OutboxRecord>> {
    const list = await loadMany(ctx, storedOutboxRecord, ids.map(entryKey));
    return new Map(list.map((e) => [e.id, e]));
  }
  async function get(id: string) {
    const record = decodeValue(storedOutboxRecord, entryKey(id), await ctx.kv.get(entryKey(id)), ctx.log);
    return record ? (await resolve([record]))[0] : undefined;
  }

  /** Pending entries counted from the queue (a store that has no count yet, or whose count was damaged). */
  async function recount(): Promise<number> {
    const ids = await readSegmented(ctx, QUEUE_KEY);
    let pending = 0;
    for (let i = 0; i < ids.length; i += READ_BATCH) {
      for (const record of (await records(ids.slice(i, i + READ_BATCH))).values()) if (record.state === 'pending') pending++;
    }
    if (pending > 0) ctx.log.warn({ pending }, 'store: recounted the pending outbox entries (a store written before the count was kept)');
    return pending;
  }

  /**
   * Runs `fn` under the count's lock with the raw values of `keys` and the current count (read in the same round
   * trip); `fn` writes through `write`, which stores the count beside the entries.
   */
  function underDepth<T>(keys: readonly string[], fn: (raws: unknown[], depth: number, write: DepthWrite) => Promise<T>): Promise<T> {
    return ctx.mutex.runShared(DEPTH_LOCK, async (guard) => {
      const raws = await ctx.kv.getMany([...keys, DEPTH_KEY]);
      // Nothing changes the count while the lock is held, so a recount here is exact.
      const depth = decodeValue(storedDepth, DEPTH_KEY, raws[keys.length], ctx.log)?.pending ?? (await recount());
      return fn(raws.slice(0, keys.length), depth, async (entries, next) => {
        await guard();
        // A count below zero means it was wrong: store none, so the next reader recounts.
        await ctx.kv.setMany([...entries, { key: DEPTH_KEY, value: next >= 0 ? { v: SCHEMA_VERSION, pending: next } : null }]);
      });
    });
  }

  /**
   * Writes whole entries (bodies first, then records, with the count) in statements of `WRITE_BATCH`. `onlyNew`:
   * an id that has any value already is left alone. Returns the ids written.
   */
  function putEntries(entries: readonly OutboxEntry[], onlyNew: boolean, beforeWrite?: (ids: string[]) => Promise<void>): Promise<string[]> {
    if (entries.length === 0) return Promise.resolve([]);
    return underDepth(entries.map((e) => entryKey(e.id)), async (raws, depth, write) => {
      if (beforeWrite) {
        const ids = entries.filter((_, i) => !onlyNew || raws[i] === undefined || raws[i] === null).map((e) => e.id);
        if (ids.length === 0) return [];
        await beforeWrite(ids);
      }
      const written: string[] = [];
      const stored = new Set<string>();
      let count = depth;
      for (let i = 0; i < entries.length; i += WRITE_BATCH) {
        const writes: KvEntry[] = [];
        const records: KvEntry[] = [];
        entries.slice(i, i + WRITE_BATCH).forEach((entry, j) => {
          const raw = raws[i + j];
          const exists = raw !== undefined && raw !== null;
          // Any value at the key counts as existing, even one that no longer decodes: never overwrite.
          if (onlyNew && exists) return;
          const before = exists ? decodeValue(storedOutboxRecord, entryKey(entry.id), raw, ctx.log)?.state : undefined;
          count += (entry.state === 'pending' ? 1 : 0) - (before === 'pending' ? 1 : 0);
          const { record, body, ref } = split(entry);
          if (!stored.has(ref)) {
            stored.add(ref);
            writes.push(body);
          }
          records.push(record);
          written.push(entry.id);
        });
        if (records.length) await write([...writes, ...records], count);
      }
      return written;
    });
  }

  // Marks and attempts: queued, and written a batch at a time under the count's lock.
  let changes: { id: string; apply: Change; done: (entry: OutboxRecord | undefined) => void; fail: (error: unknown) => void }[] = [];
  let flushing = false;
  async function flushChanges(): Promise<void> {
    while (changes.length) {
      const batch = changes.slice(0, WRITE_BATCH);
      changes = changes.slice(WRITE_BATCH);
      try {
        const results = await underDepth(batch.map((c) => entryKey(c.id)), async (raws, depth, write) => {
          const latest = new Map<string, OutboxRecord | undefined>();
          const newlyFailed: string[] = [];
          let count = depth;
          const out = batch.map((change, i) => {
            const old = latest.has(change.id) ? latest.get(change.id) : decodeValue(storedOutboxRecord, entryKey(change.id), raws[i], ctx.log);
            if (!old) return undefined;
            const next = change.apply(old);
            count += (next.state === 'pending' ? 1 : 0) - (old.state === 'pending' ? 1 : 0);
            if (next.state === 'failed' && old.state !== 'failed') newlyFailed.push(next.id);
            latest.set(change.id, next);
            return next;
          });
          // The failed log first, then the records: a crash in between leaves a listed id whose record is still
          // pending, which `failed()` skips — never a failed entry missing from the log. The queue is not touched
          // here at all: `pending()` drops done ids from it.
          if (newlyFailed.length) await appendSegmented(ctx, FAILED_LOG_KEY, newlyFailed, SEGMENT);
          const writes = [...latest].flatMap(([id, record]) => (record ? [{ key: entryKey(id), value: withVersion(record) }] : []));
          if (writes.length) await write(writes, count);
          return out;
        });
        batch.forEach((change, i) => change.done(results[i]));
      } catch (error) {
        for (const change of batch) change.fail(error);
      }
    }
  }
  function change(id: string, apply: Change): Promise<OutboxEntry | undefined> {
    const changed = new Promise<OutboxRecord | undefined>((done, fail) => changes.push({ id, apply, done, fail }));
    if (!flushing) {
      flushing = true;
      // Started on the next tick, so the marks of one moment share a write.
      void Promise.resolve()
        .then(flushChanges)
        .finally(() => {
          flushing = false;
        });
    }
    return changed.then(async (record) => (record ? (await resolve([record]))[0] : undefined));
  }

  /**
   * Drops ids whose entry is sent or failed from the queue. Re-checked under `REVIVE_LOCK`: entries only come
   * back to pending (retryFailed, restoreMany) under that same lock, so nothing pending is ever dropped. Ids with
   * no record yet (an enqueue between its queue write and its record write) are kept.
   */
  async function compact(done: Set<string>): Promise<void> {
    await ctx.mutex.runShared(REVIVE_LOCK, () =>
      removeSegmented(ctx, QUEUE_KEY, done, async (found) => {
        const now = await records(found);
        return found.filter((id) => {
          const state = now.get(id)?.state;
          return state === 'sent' || state === 'failed';
        });
      }),
    );
  }
  async function pending(limit?: number) {
    const max = limit ?? Number.POSITIVE_INFINITY;
    const out: OutboxRecord[] = [];
    const seen = new Set<string>();
    const done = new Set<string>();
    const segments = await readSegments(ctx, QUEUE_KEY);
    const ids = segments.flatMap((s) => s.items);
    for (let i = 0; i < ids.length && out.length < max; i += READ_BATCH) {
      const batch = ids.slice(i, i + READ_BATCH).filter((id) => !seen.has(id) && (seen.add(id), true));
      const found = await records(batch);
      for (const id of batch) {
        const entry = found.get(id);
        if (entry?.state === 'pending') out.push(entry);
        else if (entry) done.add(id);
      }
    }
    // Amortised: each done id is removed once, so the queue holds (about) the open entries only.
    if (done.size > 0) await compact(done);
    return resolve(out.slice(0, max));
  }
  async function failedEntries(): Promise<OutboxEntry[]> {
    const ids = await readSegmented(ctx, FAILED_LOG_KEY);
    const out: OutboxRecord[] = [];
    for (let i = 0; i < ids.length; i += READ_BATCH) {
      const found = await records(ids.slice(i, i + READ_BATCH));
      for (const id of ids.slice(i, i + READ_BATCH)) {
        const entry = found.get(id);
        if (entry?.state === 'failed') out.push(entry);
      }
    }
    return resolve(out);
  }
  /** Puts entries in the queue (and records them) under `REVIVE_LOCK`, queue first. */
  async function requeue(entries: readonly OutboxEntry[]): Promise<void> {
    await ctx.mutex.runShared(REVIVE_LOCK, async () => {
      await appendSegmented(ctx, QUEUE_KEY, entries.map((r) => r.id), SEGMENT);
      await putEntries(entries, false);
    });
  }
  async function restoreMany(entries: readonly OutboxEntry[]) {
    await ctx.mutex.run('outbox', async () => {
      const failed = entries.filter((e) => e.state === 'failed').map((e) => e.id);
      await appendSegmented(ctx, FAILED_LOG_KEY, failed, SEGMENT);
      await requeue(entries.filter((e) => e.state === 'pending'));
      await putEntries(entries.filter((e) => e.state !== 'pending'), false);
    });
  }
  return {
    enqueueMany(entries) {
      return ctx.mutex.run('outbox', async () => {
        const unique = [...new Map(entries.map((e) => [e.id, e])).values()];
        if (unique.length === 0) return [];
        const now = ctx.now().toISOString();
        const built = unique.map(
          (e): OutboxEntry => ({
            id: e.id,
            target: e.target,
            body: e.body,
            paperIds: [...e.paperIds],
            state: 'pending',
            messageId: null,
            attempts: 0,
            lastError: null,
            createdAt: e.createdAt ?? now,
            sentAt: null,
          }),
        );
        // Which ids are new is read under the count's lock (with the count, one round trip), so two processes
        // enqueueing the same id count it once. Queue first: an id without its record is skipped by `pending()`
        // (and kept in the queue) and fixed by re-enqueueing. One append for the whole batch: the head and the
        // last segment are rewritten once.
        return putEntries(built, true, (ids) => appendSegmented(ctx, QUEUE_KEY, ids, SEGMENT));
      });
    },
    pending,
    get,
    async getMany(ids) {
      const found = await records(ids);
      return resolve(ids.flatMap((id) => found.get(id) ?? []));
    },
    markSent: (id, messageId) =>
      change(id, (e) => ({ ...e, state: 'sent', messageId, sentAt: ctx.now().toISOString(), lastError: null })),
    recordAttempt: (id, error) => change(id, (e) => ({ ...e, attempts: e.attempts + 1, lastError: error })),
    markFailed: (id, error) => change(id, (e) => ({ ...e, state: 'failed', attempts: e.attempts + 1, lastError: error })),
    failed: failedEntries,
    async retryFailed(match) {
      const failed = (await failedEntries()).filter((e) => match(e));
      if (failed.length === 0) return 0;
      await ctx.mutex.run('outbox', async () => {
        // Queue first, then the records (both under `REVIVE_LOCK`, so a concurrent `pending()` cannot drop
        // them in between), then leave the failed log: a crash in between never loses an entry.
        await requeue(failed.map((e) => ({ ...e, state: 'pending' as const, attempts: 0, lastError: null })));
        await removeSegmented(ctx, FAILED_LOG_KEY, new Set(failed.map((e) => e.id)));
      });
      return failed.length;
    },
    async depth() {
      const known = decodeValue(storedDepth, DEPTH_KEY, await ctx.kv.get(DEPTH_KEY), ctx.log);
      if (known) return known.pending;
      return underDepth([], async (_raws, depth, write) => {
        await write([], depth);
        return depth;
      });
    },
    restoreMany,
  };
}
