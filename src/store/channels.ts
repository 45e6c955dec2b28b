/**
 * Channels that receive digests. Records are per channel; the indexes are per guild (`channels:by-guild:<id>`)
 * plus a list of guilds. Under Discord sharding a guild belongs to one shard, so each per-guild index has a single
 * writer process; only the guild list is shared (see `README.md` in this folder).
 */
import type { StoreContext } from './context.ts';
import { addItems, loadMany, readList, readLists, removeItems, updateList } from './context.ts';
import { decodeValue } from './kv.ts';
import type { ChannelRecord } from './records.ts';
import { storedChannel, withVersion } from './records.ts';

/** Channels configured for digests. */
export interface ChannelStore {
  get(channelId: string): Promise<ChannelRecord | undefined>;
  /** Adds or replaces a channel's settings. */
  put(record: ChannelRecord): Promise<void>;
  /** Read-modify-write of one channel (e.g. counting failures); returns the new record, or undefined if unknown. */
  update(channelId: string, change: (record: ChannelRecord) => ChannelRecord): Promise<ChannelRecord | undefined>;
  /** Removes a channel; false when it was not configured. */
  remove(channelId: string): Promise<boolean>;
  listByGuild(guildId: string): Promise<ChannelRecord[]>;
  listAll(): Promise<ChannelRecord[]>;
}

const GUILDS_KEY = 'channels:guilds';
const channelKey = (channelId: string) => `channel:${channelId}`;
const guildKey = (guildId: string) => `channels:by-guild:${guildId}`;

/** The Keyv-backed channel store. */
export function keyvChannelStore(ctx: StoreContext): ChannelStore {
  async function get(channelId: string) {
    return decodeValue(storedChannel, channelKey(channelId), await ctx.kv.get(channelKey(channelId)), ctx.log);
  }
  async function put(record: ChannelRecord) {
    await ctx.mutex.run(channelKey(record.channelId), async () => {
      const old = await get(record.channelId);
      // Index first, record second: an interrupted put leaves an id that listing skips, never a lost record.
      await updateList(ctx, GUILDS_KEY, (items) => addItems(items, [record.guildId]));
      await updateList(ctx, guildKey(record.guildId), (items) => addItems(items, [record.channelId]));
      await ctx.kv.set(channelKey(record.channelId), withVersion(record));
      if (old && old.guildId !== record.guildId) {
        await updateList(ctx, guildKey(old.guildId), (items) => removeItems(items, [record.channelId]));
      }
    });
  }
  return {
    get,
    put,
    update(channelId, change) {
      return ctx.mutex.run(`update:${channelKey(channelId)}`, async () => {
        const old = await get(channelId);
        if (!old) return undefined;
        const next = change(old);
        await put(next);
        return next;
      });
    },
    remove(channelId) {
      return ctx.mutex.run(channelKey(channelId), async () => {
        const old = await get(channelId);
        if (!old) return false;
        // Record first here: a leftover index entry without a record is harmless, a record nobody lists is not.
        await ctx.kv.deleteMany([channelKey(channelId)]);
        await updateList(ctx, guildKey(old.guildId), (items) => removeItems(items, [channelId]));
        return true;
      });
    },
    async listByGuild(guildId) {
      const ids = await readList(ctx, guildKey(guildId));
      return loadMany(ctx, storedChannel, ids.map(channelKey));
    },
    async listAll() {
      const guilds = await readList(ctx, GUILDS_KEY);
      const ids = (await readLists(ctx, guilds.map(guildKey))).flat();
      return loadMany(ctx, storedChannel, ids.map(channelKey));
    },
  };
}
