/**
 * Which paper went to which target, so that a paper is posted to a channel (or DMed to a user) once, whatever
 * day, file or source it comes from again.
 *
 * Layout (issue 18): one key per delivered pair (`delivered:<target>|<paper>`), so checking or marking k papers
 * reads or writes k small keys in one batch, whatever a target received before. For export, each target keeps a
 * segmented log of its delivered ids (`dlvlog:<target>`) and the targets themselves are a segmented log
 * (`deliveries:target-log`); both are appended to, never rewritten whole.
 */
import type { StoreContext } from './context.ts';
import { safeKey } from './context.ts';
import type { DeliveryTarget } from './records.ts';
import { appendSegmented, appendSegmentedMany, readSegmented, segmentedExists } from './segments.ts';

/** Papers for one target. */
export interface TargetPapers {
  targetKey: string;
  paperIds: readonly string[];
}

/** Delivered (target, paper) pairs. */
export interface DeliveryStore {
  has(targetKey: string, paperId: string): Promise<boolean>;
  /** The ids not yet delivered to the target, in the given order. */
  filterUndelivered(targetKey: string, paperIds: readonly string[]): Promise<string[]>;
  /** `filterUndelivered` for many targets at once (one batched read): the undelivered ids of each, in order. */
  filterUndeliveredMany(items: readonly TargetPapers[]): Promise<string[][]>;
  markDelivered(targetKey: string, paperIds: readonly string[]): Promise<void>;
  /**
   * `markDelivered` for many targets at once (batched reads and writes). `unchecked`: the caller has just found
   * these ids undelivered (`filterUndeliveredMany`), so they are not read again — at worst a race appends an id
   * twice to a target's log, which is read without duplicates.
   */
  markDeliveredMany(items: readonly TargetPapers[], options?: { unchecked?: boolean }): Promise<void>;
  /** Every target that received something. */
  targets(): Promise<string[]>;
  /** Every paper delivered to a target (no particular order). */
  delivered(targetKey: string): Promise<string[]>;
}

/** The segmented log listing every target. */
export const TARGET_LOG_KEY = 'deliveries:target-log';
const SEGMENT = 1000;
/** The key of one delivered pair. */
export const pairKey = (targetKey: string, paperId: string) => safeKey('delivered', `${targetKey}|${paperId}`);
/** The segmented log of one target's delivered ids. */
export const targetLogKey = (targetKey: string) => safeKey('dlvlog', targetKey);

/** The key of a delivery target: `channel:<id>` or `user:<id>`. */
export function targetKeyOf(target: DeliveryTarget): string {
  return target.kind === 'channel' ? `channel:${target.channelId}` : `user:${target.userId}`;
}

/** The Keyv-backed delivery store. */
export function keyvDeliveryStore(ctx: StoreContext): DeliveryStore {
  async function filterUndeliveredMany(items: readonly TargetPapers[]): Promise<string[][]> {
    const keys = items.flatMap((item) => item.paperIds.map((id) => pairKey(item.targetKey, id)));
    const raws = await ctx.kv.getMany(keys);
    let offset = 0;
    return items.map((item) => {
      const out = item.paperIds.filter((_, i) => raws[offset + i] === undefined || raws[offset + i] === null);
      offset += item.paperIds.length;
      return out;
    });
  }
  async function markDeliveredMany(items: readonly TargetPapers[], options: { unchecked?: boolean } = {}): Promise<void> {
    const byTarget = new Map<string, Set<string>>();
    for (const { targetKey, paperIds } of items) {
      const set = byTarget.get(targetKey) ?? new Set<string>();
      for (const id of paperIds) set.add(id);
      if (set.size) byTarget.set(targetKey, set);
    }
    if (byTarget.size === 0) return;
    const targets = [...byTarget.keys()];
    const wanted = targets.map((targetKey) => ({ targetKey, paperIds: [...(byTarget.get(targetKey) ?? [])] }));
    const fresh = options.unchecked ? wanted.map((t) => t.paperIds) : await filterUndeliveredMany(wanted);
    const todo = targets.map((targetKey, i) => ({ targetKey, paperIds: fresh[i] ?? [] })).filter((t) => t.paperIds.length > 0);
    if (todo.length === 0) return;
    // Indexes first (the target list, then each target's log), the pairs last: a crash in between leaves logged
    // ids that are not marked yet — the next plan marks them again (logs are read without duplicates).
    const known = await segmentedExists(ctx, todo.map((t) => targetLogKey(t.targetKey)));
    await appendSegmented(ctx, TARGET_LOG_KEY, todo.filter((_, i) => !known[i]).map((t) => t.targetKey), SEGMENT);
    await appendSegmentedMany(ctx, todo.map((t) => ({ name: targetLogKey(t.targetKey), items: t.paperIds })), SEGMENT);
    // The pairs are independent and idempotent: their batches may land in any order.
    await ctx.kv.setMany(todo.flatMap((t) => t.paperIds.map((id) => ({ key: pairKey(t.targetKey, id), value: 1 }))), { unordered: true });
  }
  return {
    async has(targetKey, paperId) {
      return (await filterUndeliveredMany([{ targetKey, paperIds: [paperId] }]))[0]?.length === 0;
    },
    async filterUndelivered(targetKey, paperIds) {
      return (await filterUndeliveredMany([{ targetKey, paperIds }]))[0] ?? [];
    },
    filterUndeliveredMany,
    markDelivered: (targetKey, paperIds) => markDeliveredMany([{ targetKey, paperIds }]),
    markDeliveredMany,
    targets: () => readSegmented(ctx, TARGET_LOG_KEY),
    delivered: (targetKey) => readSegmented(ctx, targetLogKey(targetKey)),
  };
}
