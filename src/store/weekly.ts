/**
 * Weekly most-saved posts: one record a server (`weekly:<guild>`), indexed by `weekly:guilds` so the job lists
 * them with two reads.
 */
import type { StoreContext } from './context.ts';
import { addItems, loadMany, readList, removeItems, safeKey, updateList } from './context.ts';
import { decodeValue } from './kv.ts';
import type { WeeklyRecord } from './records.ts';
import { storedWeekly, withVersion } from './records.ts';

/** The weekly post settings of each server. */
export interface WeeklyStore {
  get(guildId: string): Promise<WeeklyRecord | undefined>;
  /** Creates or replaces a server's settings. */
  put(record: WeeklyRecord): Promise<void>;
  /** Turns a server's weekly post off; false when it was not on. */
  remove(guildId: string): Promise<boolean>;
  list(): Promise<WeeklyRecord[]>;
}

const GUILDS_KEY = 'weekly:guilds';
const weeklyKey = (guildId: string) => safeKey('weekly', guildId);

/** The Keyv-backed weekly settings. */
export function keyvWeeklyStore(ctx: StoreContext): WeeklyStore {
  async function get(guildId: string) {
    return decodeValue(storedWeekly, weeklyKey(guildId), await ctx.kv.get(weeklyKey(guildId)), ctx.log);
  }
  return {
    get,
    async put(record) {
      await updateList(ctx, GUILDS_KEY, (items) => addItems(items, [record.guildId]));
      await ctx.kv.set(weeklyKey(record.guildId), withVersion(record));
    },
    async remove(guildId) {
      const existed = (await get(guildId)) !== undefined;
      await ctx.kv.deleteMany([weeklyKey(guildId)]);
      await updateList(ctx, GUILDS_KEY, (items) => removeItems(items, [guildId]));
      return existed;
    },
    async list() {
      return loadMany(ctx, storedWeekly, (await readList(ctx, GUILDS_KEY)).map(weeklyKey));
    },
  };
}
