/**
 * Segmented lists: an ordered list of strings stored as fixed-size segments (`<name>:<n>`, each a `storedList`)
 * under a small head record (`<name>` = `{ v, first, last }`). Appending reads and rewrites only the head and the
 * last segment, so its cost does not grow with the list; reading walks the segments in order. This is how the
 * outbox queue and the delivery logs stay O(1) per write on every Keyv backend (issue 18) — Keyv offers no
 * listing we may rely on, so a list must live in values, and a value must stay small.
 *
 * Every change runs under the list's lock (`mutex.runShared('list:<name>')`: in-process, plus the Redis lock when
 * several processes share a Redis store), like `updateList`. Writes are one `setMany` with the head last: on SQL
 * backends that is one statement; elsewhere a crash between segment and head leaves segments past `last` that
 * nobody reads and the next append overwrites — never a listed item lost.
 */
import { z } from 'zod';
import type { StoreContext } from './context.ts';
import { decodeValue } from './kv.ts';
import { SCHEMA_VERSION, storedList, withVersion } from './records.ts';

const storedHead = z.object({ v: z.literal(SCHEMA_VERSION), first: z.number().int().min(1), last: z.number().int().min(1) });
type Head = { first: number; last: number };

const segmentKey = (name: string, n: number) => `${name}:${n}`;

/** One segment as read: its number and items. */
export interface Segment {
  n: number;
  items: string[];
}

async function readHead(ctx: StoreContext, name: string): Promise<Head | undefined> {
  const head = decodeValue(storedHead, name, await ctx.kv.get(name), ctx.log);
  return head && head.last >= head.first ? { first: head.first, last: head.last } : undefined;
}

/** True when the list was ever written (its head exists). */
export async function segmentedExists(ctx: StoreContext, names: readonly string[]): Promise<boolean[]> {
  const raws = await ctx.kv.getMany(names);
  return raws.map((raw) => raw !== undefined && raw !== null);
}

/** Every segment of the list, in order (empty segments included). */
export async function readSegments(ctx: StoreContext, name: string): Promise<Segment[]> {
  const head = await readHead(ctx, name);
  if (!head) return [];
  const numbers = Array.from({ length: head.last - head.first + 1 }, (_, i) => head.first + i);
  const raws = await ctx.kv.getMany(numbers.map((n) => segmentKey(name, n)));
  return numbers.map((n, i) => ({ n, items: decodeValue(storedList, segmentKey(name, n), raws[i], ctx.log)?.items ?? [] }));
}

/** Every item of the list in order, duplicates (from an interrupted, retried append) removed. */
export async function readSegmented(ctx: StoreContext, name: string): Promise<string[]> {
  return [...new Set((await readSegments(ctx, name)).flatMap((s) => s.items))];
}

/**
 * Appends items (in order) to the list. Cost: the head and the last segment are read and rewritten, plus one new
 * segment per `segmentSize` items — whatever the length of the list.
 */
export async function appendSegmented(ctx: StoreContext, name: string, items: readonly string[], segmentSize: number): Promise<void> {
  await appendSegmentedMany(ctx, [{ name, items }], segmentSize);
}

/** Runs `fn` holding the locks of all `names` (taken one after another in sorted order, so never a deadlock). */
function withListLocks<T>(ctx: StoreContext, names: readonly string[], fn: (guard: () => Promise<void>) => Promise<T>): Promise<T> {
  const sorted = [...new Set(names)].sort();
  const guards: (() => Promise<void>)[] = [];
  const step = (i: number): Promise<T> => {
    const name = sorted[i];
    if (name === undefined) {
      return fn(async () => {
        for (const guard of guards) await guard();
      });
    }
    return ctx.mutex.runShared(`list:${name}`, (guard) => {
      guards.push(guard);
      return step(i + 1);
    });
  };
  return step(0);
}

/**
 * Appends to many lists at once: their heads in one read, their last segments in one read, everything in one
 * batched write — three round trips for a planning batch of a hundred targets instead of three hundred.
 */
export async function appendSegmentedMany(
  ctx: StoreContext,
  appends: readonly { name: string; items: readonly string[] }[],
  segmentSize: number,
): Promise<void> {
  const byName = new Map<string, string[]>();
  for (const { name, items } of appends) if (items.length) byName.set(name, [...(byName.get(name) ?? []), ...items]);
  if (byName.size === 0) return;
  const names = [...byName.keys()];
  await withListLocks(ctx, names, async (guard) => {
    const rawHeads = await ctx.kv.getMany(names);
    const heads = names.map((name, i) => {
      const head = decodeValue(storedHead, name, rawHeads[i], ctx.log);
      return head && head.last >= head.first ? { first: head.first, last: head.last } : { first: 1, last: 1 };
    });
    const tailKeys = names.map((name, i) => segmentKey(name, heads[i]?.last ?? 1));
    const rawTails = await ctx.kv.getMany(tailKeys);
    const writes: { key: string; value: unknown }[] = [];
    const headWrites: { key: string; value: unknown }[] = [];
    names.forEach((name, i) => {
      const head = heads[i] ?? { first: 1, last: 1 };
      let current = decodeValue(storedList, tailKeys[i] ?? '', rawTails[i], ctx.log)?.items ?? [];
      let n = head.last;
      for (const item of byName.get(name) ?? []) {
        if (current.length >= segmentSize) {
          writes.push({ key: segmentKey(name, n), value: withVersion({ items: current }) });
          current = [];
          n += 1;
        }
        current.push(item);
      }
      writes.push({ key: segmentKey(name, n), value: withVersion({ items: current }) });
      headWrites.push({ key: name, value: { v: SCHEMA_VERSION, first: head.first, last: n } });
    });
    // A holder that stalled past a lock's TTL must not overwrite what its successor wrote.
    await guard();
    // Heads last: a segment past `last` that a crash left behind is never read and is overwritten next time.
    await ctx.kv.setMany([...writes, ...headWrites]);
  });
}

/**
 * Removes items from the list under its lock. `confirm` is called inside the lock with the candidates found and
 * returns those that really may go (so a caller can re-check state that may have changed since it looked). Only
 * segments that change are rewritten; empty segments at the front are dropped and the head moves past them.
 */
export async function removeSegmented(
  ctx: StoreContext,
  name: string,
  candidates: ReadonlySet<string>,
  confirm: (found: string[]) => Promise<Iterable<string>> = async (found) => found,
): Promise<number> {
  if (candidates.size === 0) return 0;
  return ctx.mutex.runShared(`list:${name}`, async (guard) => {
    const head = await readHead(ctx, name);
    if (!head) return 0;
    const segments = await readSegments(ctx, name);
    const found = [...new Set(segments.flatMap((s) => s.items.filter((item) => candidates.has(item))))];
    if (found.length === 0) return 0;
    const gone = new Set(await confirm(found));
    if (gone.size === 0) return 0;
    const writes: { key: string; value: unknown }[] = [];
    let first = head.first;
    let leading = true;
    const dropped: string[] = [];
    for (const segment of segments) {
      const kept = segment.items.filter((item) => !gone.has(item));
      if (leading && kept.length === 0 && segment.n < head.last) {
        first = segment.n + 1;
        dropped.push(segmentKey(name, segment.n));
        continue;
      }
      leading = false;
      if (kept.length !== segment.items.length) writes.push({ key: segmentKey(name, segment.n), value: withVersion({ items: kept }) });
    }
    writes.push({ key: name, value: { v: SCHEMA_VERSION, first, last: head.last } });
    await guard();
    await ctx.kv.setMany(writes);
    // Segments before `first` are no longer read; deleting them only reclaims space.
    if (dropped.length) await ctx.kv.deleteMany(dropped);
    return gone.size;
  });
}
