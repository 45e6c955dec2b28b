/**
 * The delivery outbox (issue 5): every planned message is stored under the planner's deterministic id before it
 * is sent, and marked sent only once Discord confirmed it. Sent entries stay readable by id (so a re-plan never
 * re-enqueues them) but are no longer listed.
 *
 * Layout (issue 18): each entry is its own key (`outbox:<id>`); the open queue is a segmented list
 * (`outbox:queue`, segments.ts) of ids in creation order, the given-up ones another (`outbox:failed-log`). Marking
 * an entry sent or counting an attempt writes that entry's record only — O(1), however long the queue. Ids whose
 * record says sent or failed are dropped from the queue lazily, by `pending()`, a segment at a time.
 */
import type { StoreContext } from './context.ts';
import { loadMany, safeKey } from './context.ts';
import { decodeValue } from './kv.ts';
import type { OutboxEntry } from './records.ts';
import { storedOutbox, withVersion } from './records.ts';
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
const SEGMENT = 256;
/** Held while entries come back to pending and while `pending()` drops done ids: the two never interleave. */
const REVIVE_LOCK = 'revive:outbox:queue';
const READ_BATCH = 500;
const entryKey = (id: string) => safeKey('outbox', id);

/** The Keyv-backed outbox. Record writes of one process go through one lock: the outbox has a single worker. */
export function keyvOutbox(ctx: StoreContext): Outbox {
  async function get(id: string) {
    return decodeValue(storedOutbox, entryKey(id), await ctx.kv.get(entryKey(id)), ctx.log);
  }
  async function states(ids: readonly string[]): Promise<Map<string, OutboxEntry>> {
    const entries = await loadMany(ctx, storedOutbox, ids.map(entryKey));
    return new Map(entries.map((e) => [e.id, e]));
  }
  function change(id: string, apply: (entry: OutboxEntry) => OutboxEntry) {
    // Keyed by entry: marks of different entries (different targets, sent concurrently) do not wait for each other.
    return ctx.mutex.run(`outbox:${id}`, async () => {
      const old = await get(id);
      if (!old) return undefined;
      const next = apply(old);
      // The failed log first, then the record: a crash in between leaves a listed id whose record is still
      // pending, which `failed()` skips — never a failed entry missing from the log. The queue is not touched
      // here at all: `pending()` drops done ids from it.
      if (next.state === 'failed' && old.state !== 'failed') await appendSegmented(ctx, FAILED_LOG_KEY, [id], SEGMENT);
      await ctx.kv.set(entryKey(id), withVersion(next));
      return next;
    });
  }
  /**
   * Drops ids whose entry is sent or failed from the queue. Re-checked under `REVIVE_LOCK`: entries only come
   * back to pending (retryFailed, restoreMany) under that same lock, so nothing pending is ever dropped. Ids with
   * no record yet (an enqueue between its queue write and its record write) are kept.
   */
  async function compact(done: Set<string>): Promise<void> {
    await ctx.mutex.runShared(REVIVE_LOCK, () =>
      removeSegmented(ctx, QUEUE_KEY, done, async (found) => {
        const now = await states(found);
        return found.filter((id) => {
          const state = now.get(id)?.state;
          return state === 'sent' || state === 'failed';
        });
      }),
    );
  }
  async function pending(limit?: number) {
    const max = limit ?? Number.POSITIVE_INFINITY;
    const out: OutboxEntry[] = [];
    const seen = new Set<string>();
    const done = new Set<string>();
    const segments = await readSegments(ctx, QUEUE_KEY);
    const ids = segments.flatMap((s) => s.items);
    for (let i = 0; i < ids.length && out.length < max; i += READ_BATCH) {
      const batch = ids.slice(i, i + READ_BATCH).filter((id) => !seen.has(id) && (seen.add(id), true));
      const found = await states(batch);
      for (const id of batch) {
        const entry = found.get(id);
        if (entry?.state === 'pending') out.push(entry);
        else if (entry) done.add(id);
      }
    }
    // Amortised: each done id is removed once, so the queue holds (about) the open entries only.
    if (done.size > 0) await compact(done);
    return out.slice(0, max);
  }
  async function failedEntries(): Promise<OutboxEntry[]> {
    const ids = await readSegmented(ctx, FAILED_LOG_KEY);
    const out: OutboxEntry[] = [];
    for (let i = 0; i < ids.length; i += READ_BATCH) {
      const found = await states(ids.slice(i, i + READ_BATCH));
      for (const id of ids.slice(i, i + READ_BATCH)) {
        const entry = found.get(id);
        if (entry?.state === 'failed') out.push(entry);
      }
    }
    return out;
  }
  /** Puts entries in the queue (and records them) under `REVIVE_LOCK`, queue first. */
  async function requeue(records: readonly OutboxEntry[]): Promise<void> {
    await ctx.mutex.runShared(REVIVE_LOCK, async () => {
      await appendSegmented(ctx, QUEUE_KEY, records.map((r) => r.id), SEGMENT);
      await ctx.kv.setMany(records.map((r) => ({ key: entryKey(r.id), value: withVersion(r) })));
    });
  }
  async function restoreMany(entries: readonly OutboxEntry[]) {
    await ctx.mutex.run('outbox', async () => {
      const failed = entries.filter((e) => e.state === 'failed').map((e) => e.id);
      await appendSegmented(ctx, FAILED_LOG_KEY, failed, SEGMENT);
      const open = entries.filter((e) => e.state === 'pending');
      await requeue(open);
      const rest = entries.filter((e) => e.state !== 'pending');
      await ctx.kv.setMany(rest.map((e) => ({ key: entryKey(e.id), value: withVersion(e) })));
    });
  }
  return {
    enqueueMany(entries) {
      return ctx.mutex.run('outbox', async () => {
        const unique = [...new Map(entries.map((e) => [e.id, e])).values()];
        const existing = await ctx.kv.getMany(unique.map((e) => entryKey(e.id)));
        // Any value at the key counts as existing, even one that no longer decodes: never overwrite.
        const fresh = unique.filter((_, i) => existing[i] === undefined || existing[i] === null);
        if (fresh.length === 0) return [];
        const now = ctx.now().toISOString();
        const records = fresh.map(
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
        // Queue first: an id without its record is skipped by `pending()` (and kept in the queue) and fixed by
        // re-enqueueing. One append for the whole batch: the head and the last segment are rewritten once.
        await appendSegmented(ctx, QUEUE_KEY, records.map((r) => r.id), SEGMENT);
        await ctx.kv.setMany(records.map((r) => ({ key: entryKey(r.id), value: withVersion(r) })));
        return records.map((r) => r.id);
      });
    },
    pending,
    get,
    async getMany(ids) {
      const found = await states(ids);
      return ids.flatMap((id) => found.get(id) ?? []);
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
      return (await pending()).length;
    },
    restoreMany,
  };
}
