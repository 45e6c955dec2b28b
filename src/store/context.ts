/**
 * What every repository is built from: the key/value layer, the mutex (in-process, plus a Redis lock for index
 * lists when the backend is Redis), a logger and a clock.
 */
import { createHash } from 'node:crypto';
import type { Kv, StoreLogger } from './kv.ts';
import { decodeValue } from './kv.ts';
import type { KeyedMutex } from './mutex.ts';
import { storedList, withVersion } from './records.ts';
import { timeSlicer } from '../slices.ts';

/** Dependencies shared by the repositories of one `Stores`. */
export interface StoreContext {
  kv: Kv;
  mutex: KeyedMutex;
  log: StoreLogger;
  now: () => Date;
}

/**
 * A key that is safe for every backend: Postgres' key column is VARCHAR(255) including the namespace, so
 * caller-supplied parts longer than 120 characters are replaced by their hash.
 */
export function safeKey(prefix: string, part: string): string {
  return part.length <= 120 ? `${prefix}:${part}` : `${prefix}:#${createHash('sha256').update(part).digest('hex')}`;
}

/** Reads an index list (missing = empty). */
export async function readList(ctx: StoreContext, key: string): Promise<string[]> {
  return decodeValue(storedList, key, await ctx.kv.get(key), ctx.log)?.items ?? [];
}

/** Reads several index lists in one round trip. */
export async function readLists(ctx: StoreContext, keys: readonly string[]): Promise<string[][]> {
  const raws = await ctx.kv.getMany(keys);
  return raws.map((raw, i) => decodeValue(storedList, keys[i] ?? '', raw, ctx.log)?.items ?? []);
}

/**
 * Read-modify-write of one index list under the lock for that key — the in-process mutex, and on Redis also a
 * per-list Redis lock, so writers in other processes cannot lose each other's entries; writes only when it
 * changed. Returns the new list.
 */
export async function updateList(
  ctx: StoreContext,
  key: string,
  change: (items: string[]) => string[],
): Promise<string[]> {
  return ctx.mutex.runShared(`list:${key}`, async (guard) => {
    const before = await readList(ctx, key);
    const after = change([...before]);
    const same = after.length === before.length && after.every((item, i) => item === before[i]);
    if (!same) {
      // A holder that stalled past the lock's TTL must not overwrite the list its successor already changed.
      await guard();
      await ctx.kv.set(key, withVersion({ items: after }));
    }
    return after;
  });
}

/** Adds members to a list (keeping order, no duplicates). */
export function addItems(items: string[], add: Iterable<string>): string[] {
  const present = new Set(items);
  for (const item of add) {
    if (!present.has(item)) {
      present.add(item);
      items.push(item);
    }
  }
  return items;
}

/** Removes members from a list. */
export function removeItems(items: string[], remove: Iterable<string>): string[] {
  const gone = new Set(remove);
  return items.filter((item) => !gone.has(item));
}

/** Decodes many values fetched by key, dropping missing and undecodable ones (the latter are reported). */
export async function loadMany<T>(
  ctx: StoreContext,
  schema: Parameters<typeof decodeValue<T>>[0],
  keys: readonly string[],
): Promise<T[]> {
  const raws = await ctx.kv.getMany(keys);
  const out: T[] = [];
  // Decoding is synchronous: 10,000 records (every subscription, at planning) are tens of milliseconds, so the
  // event loop gets a turn between slices.
  const slicer = timeSlicer();
  for (let i = 0; i < raws.length; i++) {
    const value = decodeValue(schema, keys[i] ?? '', raws[i], ctx.log);
    if (value !== undefined) out.push(value);
    if (i % 100 === 99) await slicer.pause();
  }
  return out;
}
