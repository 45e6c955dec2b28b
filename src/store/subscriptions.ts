/**
 * Keyword subscriptions. Records are per id; indexes by guild (all listing goes guilds → per-guild lists), by
 * channel and by DM user, so every command answers from one or two reads.
 */
import { randomBytes } from 'node:crypto';
import type { StoreContext } from './context.ts';
import { addItems, loadMany, readList, readLists, removeItems, safeKey, updateList } from './context.ts';
import { decodeValue } from './kv.ts';
import type { SubscriptionRecord } from './records.ts';
import { storedSubscription, withVersion } from './records.ts';

/** A subscription to add: `id`, `createdAt` and `paused` are filled in when absent. */
export type NewSubscription = Omit<SubscriptionRecord, 'id' | 'createdAt' | 'paused'> &
  Partial<Pick<SubscriptionRecord, 'id' | 'createdAt' | 'paused'>>;

/** Keyword subscriptions. */
export interface SubscriptionStore {
  /** Stores a new subscription and returns it as stored (to change an existing one, use `update`). */
  add(input: NewSubscription): Promise<SubscriptionRecord>;
  addMany(inputs: readonly NewSubscription[]): Promise<SubscriptionRecord[]>;
  /** Removes a subscription and returns it, or undefined if unknown. */
  remove(id: string): Promise<SubscriptionRecord | undefined>;
  get(id: string): Promise<SubscriptionRecord | undefined>;
  /** Read-modify-write of one subscription (pause/resume); undefined if unknown. */
  update(id: string, change: (record: SubscriptionRecord) => SubscriptionRecord): Promise<SubscriptionRecord | undefined>;
  listAll(): Promise<SubscriptionRecord[]>;
  listByGuild(guildId: string): Promise<SubscriptionRecord[]>;
  /** DM subscriptions of a user (`userId`). */
  listByUser(userId: string): Promise<SubscriptionRecord[]>;
  listByChannel(channelId: string): Promise<SubscriptionRecord[]>;
  /** Counts for the per-user and per-server limits (index reads only). */
  countByGuild(guildId: string): Promise<number>;
  countByUser(userId: string): Promise<number>;
}

const GUILDS_KEY = 'subs:guilds';
const subKey = (id: string) => safeKey('sub', id);
const guildKey = (id: string) => `subs:by-guild:${id}`;
const userKey = (id: string) => `subs:by-user:${id}`;
const channelKey = (id: string) => `subs:by-channel:${id}`;
/** The secondary index keys a subscription appears in. */
const indexKeys = (s: SubscriptionRecord) => [
  guildKey(s.guildId),
  ...(s.userId !== null ? [userKey(s.userId)] : []),
  ...(s.channelId !== null ? [channelKey(s.channelId)] : []),
];

/** A short random subscription id (shown to users in `/subscribe list`). */
export function newSubscriptionId(): string {
  return randomBytes(6).toString('base64url');
}

/** The Keyv-backed subscription store. */
export function keyvSubscriptionStore(ctx: StoreContext): SubscriptionStore {
  async function get(id: string) {
    return decodeValue(storedSubscription, subKey(id), await ctx.kv.get(subKey(id)), ctx.log);
  }
  async function listFrom(key: string) {
    return loadMany(ctx, storedSubscription, (await readList(ctx, key)).map(subKey));
  }
  async function addMany(inputs: readonly NewSubscription[]): Promise<SubscriptionRecord[]> {
    const records = inputs.map(
      (input): SubscriptionRecord => ({
        ...input,
        id: input.id ?? newSubscriptionId(),
        createdAt: input.createdAt ?? ctx.now().toISOString(),
        paused: input.paused ?? null,
        locale: input.locale ?? 'en-US',
      }),
    );
    const byIndex = new Map<string, string[]>();
    for (const record of records) {
      for (const key of indexKeys(record)) byIndex.set(key, [...(byIndex.get(key) ?? []), record.id]);
    }
    await updateList(ctx, GUILDS_KEY, (items) => addItems(items, records.map((r) => r.guildId)));
    for (const [key, ids] of byIndex) await updateList(ctx, key, (items) => addItems(items, ids));
    await ctx.kv.setMany(records.map((r) => ({ key: subKey(r.id), value: withVersion(r) })));
    return records;
  }
  return {
    async add(input) {
      const [record] = await addMany([input]);
      return record as SubscriptionRecord;
    },
    addMany,
    remove(id) {
      return ctx.mutex.run(subKey(id), async () => {
        const old = await get(id);
        if (!old) return undefined;
        await ctx.kv.deleteMany([subKey(id)]);
        for (const key of indexKeys(old)) await updateList(ctx, key, (items) => removeItems(items, [id]));
        return old;
      });
    },
    get,
    update(id, change) {
      return ctx.mutex.run(subKey(id), async () => {
        const old = await get(id);
        if (!old) return undefined;
        const next = { ...change(old), id };
        for (const key of indexKeys(old)) {
          if (!indexKeys(next).includes(key)) await updateList(ctx, key, (items) => removeItems(items, [id]));
        }
        await addMany([next]);
        return next;
      });
    },
    async listAll() {
      const guilds = await readList(ctx, GUILDS_KEY);
      const ids = [...new Set((await readLists(ctx, guilds.map(guildKey))).flat())];
      return loadMany(ctx, storedSubscription, ids.map(subKey));
    },
    listByGuild: (guildId) => listFrom(guildKey(guildId)),
    listByUser: (userId) => listFrom(userKey(userId)),
    listByChannel: (channelId) => listFrom(channelKey(channelId)),
    async countByGuild(guildId) {
      return (await readList(ctx, guildKey(guildId))).length;
    },
    async countByUser(userId) {
      return (await readList(ctx, userKey(userId))).length;
    },
  };
}
