/**
 * Reading lists: the papers each user keeps (`saved:user:<id>`, one record a user, newest first, capped by the
 * caller's limit so a read or write stays small) and, per server and UTC day, who saved what
 * (`saved:day:<guild>:<day>`), from which a week's most-saved papers are counted for any week boundary and time
 * zone. Clearing a list also takes the user out of the day records, so nothing of theirs is left behind.
 */
import type { StoreContext } from './context.ts';
import { addItems, readList, removeItems, safeKey, updateList } from './context.ts';
import { decodeValue } from './kv.ts';
import type { SaveDayRecord, SavedItem, SavedListRecord } from './records.ts';
import { storedSaveDay, storedSavedList, withVersion } from './records.ts';

/** What `save` did. */
export interface SaveOutcome {
  /** False when the paper was already in the list (saving twice is harmless) or the list is full. */
  added: boolean;
  /** True when the list is full and the paper was not added. */
  full: boolean;
  /** Papers in the list afterwards. */
  count: number;
}

/** A paper and how many people saved it. */
export interface SaveCount {
  paperId: string;
  count: number;
}

/** Reading lists and the per-server save log. */
export interface SavedStore {
  /** Adds a paper to the user's list (newest first) unless it is there or the list holds `limit` papers. */
  save(input: { userId: string; paperId: string; guildId: string | null; limit: number }): Promise<SaveOutcome>;
  /** Removes a paper; false when it was not in the list. */
  remove(userId: string, paperId: string): Promise<boolean>;
  /** The user's list, newest first. */
  list(userId: string): Promise<SavedItem[]>;
  /** Deletes the user's list and their entries in the save log; returns how many papers were removed. */
  clear(userId: string): Promise<number>;
  /** Papers saved in a server between `from` (inclusive) and `to` (exclusive), most-saved first (distinct users). */
  mostSaved(guildId: string, from: Date, to: Date): Promise<SaveCount[]>;
  /** Users with a list (export). */
  users(): Promise<string[]>;
  /** Every day record of the save log (export). */
  days(): Promise<SaveDayRecord[]>;
  /** Puts back exported records. */
  restoreList(record: SavedListRecord): Promise<void>;
  restoreDay(record: SaveDayRecord): Promise<void>;
}

const USERS_KEY = 'saved:users';
const DAYS_KEY = 'saved:days';
const listKey = (userId: string) => safeKey('saved:user', userId);
const dayKey = (guildId: string, day: string) => safeKey('saved:day', `${guildId}:${day}`);
const dayRef = (guildId: string, day: string) => `${guildId}:${day}`;
const utcDay = (at: Date | string) => new Date(at).toISOString().slice(0, 10);

/** The Keyv-backed reading lists. */
export function keyvSavedStore(ctx: StoreContext): SavedStore {
  async function readListRecord(userId: string): Promise<SavedListRecord> {
    const key = listKey(userId);
    return decodeValue(storedSavedList, key, await ctx.kv.get(key), ctx.log) ?? { userId, items: [] };
  }
  async function readDay(guildId: string, day: string): Promise<SaveDayRecord> {
    const key = dayKey(guildId, day);
    return decodeValue(storedSaveDay, key, await ctx.kv.get(key), ctx.log) ?? { guildId, day, saves: [] };
  }
  /** Read-modify-write of one day record under its lock; an emptied day is deleted with its index entry. */
  async function changeDay(guildId: string, day: string, change: (record: SaveDayRecord) => SaveDayRecord): Promise<void> {
    await ctx.mutex.runShared(`saved-day:${guildId}:${day}`, async (guard) => {
      const before = await readDay(guildId, day);
      const after = change({ ...before, saves: [...before.saves] });
      // A holder that stalled past the cross-process lock's TTL must not overwrite its successor's write.
      await guard();
      if (after.saves.length === 0) {
        await ctx.kv.deleteMany([dayKey(guildId, day)]);
        await updateList(ctx, DAYS_KEY, (items) => removeItems(items, [dayRef(guildId, day)]));
      } else {
        await updateList(ctx, DAYS_KEY, (items) => addItems(items, [dayRef(guildId, day)]));
        await ctx.kv.set(dayKey(guildId, day), withVersion(after));
      }
    });
  }
  /** Takes a user's saves of some papers out of the day records they were logged in. */
  async function unlog(userId: string, items: readonly SavedItem[]): Promise<void> {
    const byDay = new Map<string, { guildId: string; day: string; papers: Set<string> }>();
    for (const item of items) {
      if (item.guildId === null) continue;
      const day = utcDay(item.savedAt);
      const ref = dayRef(item.guildId, day);
      const entry = byDay.get(ref) ?? { guildId: item.guildId, day, papers: new Set<string>() };
      entry.papers.add(item.paperId);
      byDay.set(ref, entry);
    }
    for (const { guildId, day, papers } of byDay.values()) {
      await changeDay(guildId, day, (record) => ({ ...record, saves: record.saves.filter((s) => s.userId !== userId || !papers.has(s.paperId)) }));
    }
  }

  return {
    async save({ userId, paperId, guildId, limit }) {
      const outcome = await ctx.mutex.runShared(`saved:${userId}`, async (guard): Promise<SaveOutcome & { at?: string }> => {
        const record = await readListRecord(userId);
        if (record.items.some((item) => item.paperId === paperId)) return { added: false, full: false, count: record.items.length };
        if (record.items.length >= limit) return { added: false, full: true, count: record.items.length };
        const at = ctx.now().toISOString();
        const items = [{ paperId, savedAt: at, guildId }, ...record.items];
        await guard();
        if (record.items.length === 0) await updateList(ctx, USERS_KEY, (list) => addItems(list, [userId]));
        await ctx.kv.set(listKey(userId), withVersion({ userId, items }));
        return { added: true, full: false, count: items.length, at };
      });
      if (outcome.added && guildId !== null && outcome.at) {
        const at = outcome.at;
        await changeDay(guildId, utcDay(at), (record) => ({ ...record, saves: [...record.saves, { paperId, userId, at }] }));
      }
      return { added: outcome.added, full: outcome.full, count: outcome.count };
    },
    async remove(userId, paperId) {
      const removed = await ctx.mutex.runShared(`saved:${userId}`, async (guard) => {
        const record = await readListRecord(userId);
        const gone = record.items.filter((item) => item.paperId === paperId);
        if (gone.length === 0) return [];
        await guard();
        const items = record.items.filter((item) => item.paperId !== paperId);
        if (items.length === 0) {
          await ctx.kv.deleteMany([listKey(userId)]);
          await updateList(ctx, USERS_KEY, (list) => removeItems(list, [userId]));
        } else {
          await ctx.kv.set(listKey(userId), withVersion({ userId, items }));
        }
        return gone;
      });
      await unlog(userId, removed);
      return removed.length > 0;
    },
    async list(userId) {
      return (await readListRecord(userId)).items;
    },
    async clear(userId) {
      const removed = await ctx.mutex.runShared(`saved:${userId}`, async (guard) => {
        const record = await readListRecord(userId);
        await guard();
        await ctx.kv.deleteMany([listKey(userId)]);
        await updateList(ctx, USERS_KEY, (list) => removeItems(list, [userId]));
        return record.items;
      });
      await unlog(userId, removed);
      return removed.length;
    },
    async mostSaved(guildId, from, to) {
      const savers = new Map<string, Set<string>>();
      for (let day = new Date(`${utcDay(from)}T00:00:00Z`); day < to; day = new Date(day.getTime() + 86_400_000)) {
        for (const save of (await readDay(guildId, utcDay(day))).saves) {
          const at = new Date(save.at);
          if (at < from || at >= to) continue;
          const users = savers.get(save.paperId) ?? new Set<string>();
          users.add(save.userId);
          savers.set(save.paperId, users);
        }
      }
      return [...savers]
        .map(([paperId, users]) => ({ paperId, count: users.size }))
        .sort((a, b) => b.count - a.count || a.paperId.localeCompare(b.paperId));
    },
    users: () => readList(ctx, USERS_KEY),
    async days() {
      const refs = await readList(ctx, DAYS_KEY);
      const out: SaveDayRecord[] = [];
      for (const ref of refs) {
        const cut = ref.lastIndexOf(':');
        const record = await readDay(ref.slice(0, cut), ref.slice(cut + 1));
        if (record.saves.length > 0) out.push(record);
      }
      return out;
    },
    async restoreList(record) {
      await ctx.mutex.runShared(`saved:${record.userId}`, async (guard) => {
        const current = await readListRecord(record.userId);
        await guard();
        const seen = new Set(current.items.map((item) => item.paperId));
        const items = [...current.items, ...record.items.filter((item) => !seen.has(item.paperId))]
          .sort((a, b) => b.savedAt.localeCompare(a.savedAt));
        await updateList(ctx, USERS_KEY, (list) => addItems(list, [record.userId]));
        await ctx.kv.set(listKey(record.userId), withVersion({ userId: record.userId, items }));
      });
    },
    async restoreDay(record) {
      await changeDay(record.guildId, record.day, (current) => {
        const seen = new Set(current.saves.map((s) => `${s.paperId}\u0000${s.userId}\u0000${s.at}`));
        return { ...current, saves: [...current.saves, ...record.saves.filter((s) => !seen.has(`${s.paperId}\u0000${s.userId}\u0000${s.at}`))] };
      });
    },
  };
}
