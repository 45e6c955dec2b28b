/**
 * Which paper went to which target, so that a paper is posted to a channel (or DMed to a user) once, whatever
 * day, file or source it comes from again. Per target the delivered ids are spread over 32 hash buckets
 * (`dlv:<target>:<n>`): a check reads a few small lists, a target with 100,000 deliveries never rewrites one
 * giant value, and the buckets double as the index for export.
 */
import { createHash } from 'node:crypto';
import type { StoreContext } from './context.ts';
import { addItems, readList, readLists, updateList } from './context.ts';
import type { DeliveryTarget } from './records.ts';

/** Delivered (target, paper) pairs. */
export interface DeliveryStore {
  has(targetKey: string, paperId: string): Promise<boolean>;
  /** The ids not yet delivered to the target, in the given order. */
  filterUndelivered(targetKey: string, paperIds: readonly string[]): Promise<string[]>;
  markDelivered(targetKey: string, paperIds: readonly string[]): Promise<void>;
  /** Every target that received something. */
  targets(): Promise<string[]>;
  /** Every paper delivered to a target (no particular order). */
  delivered(targetKey: string): Promise<string[]>;
}

const BUCKETS = 32;
const TARGETS_KEY = 'deliveries:targets';
const bucketKey = (targetKey: string, n: number) => `dlv:${targetKey}:${n}`;
const bucketOf = (paperId: string) => createHash('md5').update(paperId).digest().readUInt16BE(0) % BUCKETS;

/** The key of a delivery target: `channel:<id>` or `user:<id>`. */
export function targetKeyOf(target: DeliveryTarget): string {
  return target.kind === 'channel' ? `channel:${target.channelId}` : `user:${target.userId}`;
}

/** The Keyv-backed delivery store. */
export function keyvDeliveryStore(ctx: StoreContext): DeliveryStore {
  async function deliveredSet(targetKey: string, paperIds: readonly string[]) {
    const buckets = [...new Set(paperIds.map(bucketOf))];
    const lists = await readLists(ctx, buckets.map((n) => bucketKey(targetKey, n)));
    return new Set(lists.flat());
  }
  return {
    async has(targetKey, paperId) {
      return (await deliveredSet(targetKey, [paperId])).has(paperId);
    },
    async filterUndelivered(targetKey, paperIds) {
      const done = await deliveredSet(targetKey, paperIds);
      return paperIds.filter((id) => !done.has(id));
    },
    async markDelivered(targetKey, paperIds) {
      if (paperIds.length === 0) return;
      await updateList(ctx, TARGETS_KEY, (items) => addItems(items, [targetKey]));
      const byBucket = new Map<number, string[]>();
      for (const id of paperIds) byBucket.set(bucketOf(id), [...(byBucket.get(bucketOf(id)) ?? []), id]);
      for (const [n, ids] of byBucket) await updateList(ctx, bucketKey(targetKey, n), (items) => addItems(items, ids));
    },
    targets: () => readList(ctx, TARGETS_KEY),
    async delivered(targetKey) {
      const keys = Array.from({ length: BUCKETS }, (_, n) => bucketKey(targetKey, n));
      return (await readLists(ctx, keys)).flat();
    },
  };
}
