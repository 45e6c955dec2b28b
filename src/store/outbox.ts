/**
 * The delivery outbox (issue 5): every planned message is stored under the planner's deterministic id before it
 * is sent, and marked sent only once Discord confirmed it. `outbox:pending` lists the open ids in creation order,
 * `outbox:failed` the given-up ones; sent entries stay readable by id (so a re-plan never re-enqueues them) but
 * are no longer listed.
 */
import type { StoreContext } from './context.ts';
import { addItems, loadMany, readList, removeItems, safeKey, updateList } from './context.ts';
import { decodeValue } from './kv.ts';
import type { OutboxEntry } from './records.ts';
import { storedOutbox, withVersion } from './records.ts';

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

const PENDING_KEY = 'outbox:pending';
const FAILED_KEY = 'outbox:failed';
const entryKey = (id: string) => safeKey('outbox', id);

/** The Keyv-backed outbox. All writes go through one lock: the outbox has a single worker at a time. */
export function keyvOutbox(ctx: StoreContext): Outbox {
  async function get(id: string) {
    return decodeValue(storedOutbox, entryKey(id), await ctx.kv.get(entryKey(id)), ctx.log);
  }
  function change(id: string, apply: (entry: OutboxEntry) => OutboxEntry) {
    return ctx.mutex.run('outbox', async () => {
      const old = await get(id);
      if (!old) return undefined;
      const next = apply(old);
      // Record first, then the queues: a crash in between leaves a listed id whose record says it is done,
      // which `pending()` filters out — never a pending entry missing from the queue.
      if (next.state === 'failed') await updateList(ctx, FAILED_KEY, (items) => addItems(items, [id]));
      await ctx.kv.set(entryKey(id), withVersion(next));
      if (next.state !== 'pending') await updateList(ctx, PENDING_KEY, (items) => removeItems(items, [id]));
      return next;
    });
  }
  async function pending(limit?: number) {
    const ids = await readList(ctx, PENDING_KEY);
    const out: OutboxEntry[] = [];
    const max = limit ?? Number.POSITIVE_INFINITY;
    for (let i = 0; i < ids.length && out.length < max; i += 200) {
      const entries = await loadMany(ctx, storedOutbox, ids.slice(i, i + 200).map(entryKey));
      out.push(...entries.filter((e) => e.state === 'pending'));
    }
    return out.slice(0, max);
  }
  async function restoreMany(entries: readonly OutboxEntry[]) {
    await ctx.mutex.run('outbox', async () => {
      const open = (state: OutboxEntry['state']) => entries.filter((e) => e.state === state).map((e) => e.id);
      await updateList(ctx, PENDING_KEY, (items) => addItems(items, open('pending')));
      await updateList(ctx, FAILED_KEY, (items) => addItems(items, open('failed')));
      await ctx.kv.setMany(entries.map((e) => ({ key: entryKey(e.id), value: withVersion(e) })));
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
        // Queue first: an id without its record is skipped by `pending()` and fixed by re-enqueueing.
        await updateList(ctx, PENDING_KEY, (items) => addItems(items, records.map((r) => r.id)));
        await ctx.kv.setMany(records.map((r) => ({ key: entryKey(r.id), value: withVersion(r) })));
        return records.map((r) => r.id);
      });
    },
    pending,
    get,
    markSent: (id, messageId) =>
      change(id, (e) => ({ ...e, state: 'sent', messageId, sentAt: ctx.now().toISOString(), lastError: null })),
    recordAttempt: (id, error) => change(id, (e) => ({ ...e, attempts: e.attempts + 1, lastError: error })),
    markFailed: (id, error) => change(id, (e) => ({ ...e, state: 'failed', attempts: e.attempts + 1, lastError: error })),
    async failed() {
      return loadMany(ctx, storedOutbox, (await readList(ctx, FAILED_KEY)).map(entryKey));
    },
    async retryFailed(match) {
      const failed = (await loadMany(ctx, storedOutbox, (await readList(ctx, FAILED_KEY)).map(entryKey))).filter((e) => e.state === 'failed' && match(e));
      if (failed.length === 0) return 0;
      const ids = failed.map((e) => e.id);
      await ctx.mutex.run('outbox', async () => {
        // Queue first, then the records, then leave the failed list: a crash in between never loses an entry.
        await updateList(ctx, PENDING_KEY, (items) => addItems(items, ids));
        await ctx.kv.setMany(failed.map((e) => ({ key: entryKey(e.id), value: withVersion({ ...e, state: 'pending' as const, attempts: 0, lastError: null }) })));
        await updateList(ctx, FAILED_KEY, (items) => removeItems(items, ids));
      });
      return failed.length;
    },
    async depth() {
      return (await pending()).length;
    },
    restoreMany,
  };
}
