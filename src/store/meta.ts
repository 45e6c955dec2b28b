/**
 * Small typed key/values: last run times, counters, settings. Keys live under `meta:`; the multi-process lease
 * of issue 7 needs an atomic compare-and-set that Keyv does not offer, so it belongs in its own module
 * (`lease.ts`, on the Redis client) rather than here.
 */
import { z } from 'zod';
import type { StoreContext } from './context.ts';
import { addItems, readList, removeItems, updateList } from './context.ts';
import { decodeValue } from './kv.ts';
import { SCHEMA_VERSION } from './records.ts';

/** Small typed values by name. */
export interface MetaStore {
  /** The value at `key` if it matches `schema` (a mismatch is reported and treated as missing). */
  get<T>(key: string, schema: z.ZodType<T>): Promise<T | undefined>;
  /** Stores any JSON value. */
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every key and raw value (export). */
  entries(): Promise<{ key: string; value: unknown }[]>;
}

const INDEX_KEY = 'meta:index';
const metaKey = (key: string) => `meta:${key}`;
const stored = z.object({ v: z.literal(SCHEMA_VERSION), value: z.unknown() });

/** The Keyv-backed meta store. */
export function keyvMetaStore(ctx: StoreContext): MetaStore {
  return {
    async get(key, schema) {
      const raw = decodeValue(stored, metaKey(key), await ctx.kv.get(metaKey(key)), ctx.log);
      return raw === undefined ? undefined : decodeValue(schema, metaKey(key), raw.value, ctx.log);
    },
    async set(key, value) {
      await updateList(ctx, INDEX_KEY, (items) => addItems(items, [key]));
      await ctx.kv.set(metaKey(key), { v: SCHEMA_VERSION, value });
    },
    async delete(key) {
      await ctx.kv.deleteMany([metaKey(key)]);
      await updateList(ctx, INDEX_KEY, (items) => removeItems(items, [key]));
    },
    async entries() {
      const keys = await readList(ctx, INDEX_KEY);
      const raws = await ctx.kv.getMany(keys.map(metaKey));
      const out: { key: string; value: unknown }[] = [];
      raws.forEach((raw, i) => {
        const value = decodeValue(stored, metaKey(keys[i] ?? ''), raw, ctx.log);
        if (value !== undefined) out.push({ key: keys[i] ?? '', value: value.value });
      });
      return out;
    },
  };
}
