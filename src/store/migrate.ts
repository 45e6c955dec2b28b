/**
 * Start-up migration of the store layout. Layout 1 (release 0.1) kept the open outbox as one JSON list
 * (`outbox:pending`, `outbox:failed`) and deliveries in 32 hash buckets per target (`dlv:<target>:<0..31>`)
 * listed by `deliveries:targets`; every enqueue, mark and delivery rewrote a list that grew with the store. Layout
 * 2 (issue 18) uses segmented lists and one key per delivered pair (outbox.ts, deliveries.ts).
 *
 * `store:layout` records the layout a store is in. Migrating copies the old lists into the new structures and only
 * then deletes them, and every step is idempotent (appends are read back without duplicates, marks skip what is
 * marked), so a migration interrupted by a crash simply runs again at the next start. Stores that never had the
 * old keys (new ones) are only stamped.
 */
import { z } from 'zod';
import type { StoreContext } from './context.ts';
import { readList } from './context.ts';
import type { DeliveryStore } from './deliveries.ts';
import { decodeValue } from './kv.ts';
import { FAILED_LOG_KEY, QUEUE_KEY } from './outbox.ts';
import { SCHEMA_VERSION } from './records.ts';
import { appendSegmented } from './segments.ts';

/** The layout this release writes. */
export const STORE_LAYOUT = 2;
const LAYOUT_KEY = 'store:layout';
const storedLayout = z.object({ v: z.literal(SCHEMA_VERSION), layout: z.number().int() });

// Layout 1's keys, exactly as release 0.1 wrote them.
const V1_PENDING = 'outbox:pending';
const V1_FAILED = 'outbox:failed';
const V1_TARGETS = 'deliveries:targets';
const V1_BUCKETS = 32;
const v1BucketKey = (targetKey: string, n: number) => `dlv:${targetKey}:${n}`;

/** What a migration did. */
export interface MigrationReport {
  from: number;
  to: number;
  pending: number;
  failed: number;
  targets: number;
  deliveries: number;
}

/**
 * Brings the store to `STORE_LAYOUT`. Cheap when it already is (one read). Runs under the in-process mutex; two
 * processes migrating at once only append the same ids twice, which readers de-duplicate.
 */
export async function migrateLayout(ctx: StoreContext, deliveries: DeliveryStore): Promise<MigrationReport | null> {
  const stamp = decodeValue(storedLayout, LAYOUT_KEY, await ctx.kv.get(LAYOUT_KEY), ctx.log);
  if (stamp && stamp.layout >= STORE_LAYOUT) return null;
  return ctx.mutex.run('migrate', async () => {
    const report: MigrationReport = { from: stamp?.layout ?? 1, to: STORE_LAYOUT, pending: 0, failed: 0, targets: 0, deliveries: 0 };
    const [pending, failed, targets] = await Promise.all([readList(ctx, V1_PENDING), readList(ctx, V1_FAILED), readList(ctx, V1_TARGETS)]);
    // Outbox: the records are unchanged; only the queues move. Done ids in the old queue are harmless (pending()
    // drops them).
    await appendSegmented(ctx, QUEUE_KEY, pending, 256);
    await appendSegmented(ctx, FAILED_LOG_KEY, failed, 256);
    report.pending = pending.length;
    report.failed = failed.length;
    // Deliveries: every id of every bucket of every target, a few targets at a time.
    const bucketKeys: string[] = [];
    for (let i = 0; i < targets.length; i += 20) {
      const batch = targets.slice(i, i + 20);
      const keys = batch.flatMap((t) => Array.from({ length: V1_BUCKETS }, (_, n) => v1BucketKey(t, n)));
      bucketKeys.push(...keys);
      const raws = await ctx.kv.getMany(keys);
      const items = batch.map((targetKey, b) => ({
        targetKey,
        paperIds: raws.slice(b * V1_BUCKETS, (b + 1) * V1_BUCKETS).flatMap((raw, n) => readItems(ctx, keys[b * V1_BUCKETS + n] ?? '', raw)),
      }));
      await deliveries.markDeliveredMany(items);
      report.deliveries += items.reduce((n, it) => n + it.paperIds.length, 0);
    }
    report.targets = targets.length;
    // Everything is in the new layout: remove the old lists, then stamp (a crash in between re-runs an empty
    // migration).
    await ctx.kv.deleteMany([V1_PENDING, V1_FAILED, V1_TARGETS, ...bucketKeys]);
    await ctx.kv.set(LAYOUT_KEY, { v: SCHEMA_VERSION, layout: STORE_LAYOUT });
    if (pending.length || failed.length || targets.length) ctx.log.warn({ ...report }, 'store: migrated the outbox and deliveries to the new layout');
    return report;
  });
}

const bucket = z.object({ v: z.literal(SCHEMA_VERSION), items: z.array(z.string()) });
function readItems(ctx: StoreContext, key: string, raw: unknown): string[] {
  return decodeValue(bucket, key, raw, ctx.log)?.items ?? [];
}
