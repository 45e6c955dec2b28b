/**
 * Export and import of the whole archive (issue 7): every repository is walked through its indexes and written
 * as `{ kind, record }` lines; records carry their schema version so an import can validate (and later migrate)
 * them. Outbox entries that were already sent are history and are mostly not exported (the deliveries record
 * what was posted, and the outbox keeps no list of sent entries to walk) — except a sent thread header that an
 * open entry still points at: the publisher needs the header's message id to post the rest of the thread, so
 * without it those entries would stay pending for ever after a move.
 */
import { z } from 'zod';
import type { Paper } from '../digest/types.ts';
import type { ChannelStore } from './channels.ts';
import type { DeliveryStore } from './deliveries.ts';
import type { DigestStore } from './digests.ts';
import type { FileStore } from './files.ts';
import type { MetaStore } from './meta.ts';
import type { Outbox } from './outbox.ts';
import type { PaperStore } from './papers.ts';
import type { SavedStore } from './saved.ts';
import type { WeeklyStore } from './weekly.ts';
import type { SubscriptionStore } from './subscriptions.ts';
import { dateProblem, metaKeyProblem, paperProblem } from './import-rules.ts';
import type { DigestRecord, FileRecord, OutboxEntry, SubscriptionRecord } from './records.ts';
import {
  SCHEMA_VERSION,
  storedChannel,
  storedDigest,
  storedFile,
  storedOutbox,
  storedPaper,
  paperRecord,
  storedSaveDay,
  storedSavedList,
  storedSubscription,
  storedWeekly,
  withVersion,
} from './records.ts';

/** Kinds of exported record. */
export type ExportKind = 'paper' | 'file' | 'digest' | 'channel' | 'subscription' | 'outbox' | 'delivery' | 'meta' | 'saved' | 'save-day' | 'weekly';

/** One line of an export: the record in its stored (versioned) form. */
export interface ExportLine {
  kind: ExportKind;
  record: unknown;
}

/**
 * The repositories export and import work on. Typed from the repository interfaces, not from `Stores`: stores.ts
 * builds on this module, so this one must not depend back on it.
 */
export interface TransferStores {
  papers: PaperStore;
  files: FileStore;
  digests: DigestStore;
  channels: ChannelStore;
  subscriptions: SubscriptionStore;
  outbox: Outbox;
  deliveries: DeliveryStore;
  meta: MetaStore;
  saved: SavedStore;
  weekly: WeeklyStore;
}

const storedDelivery = z.object({
  v: z.literal(SCHEMA_VERSION),
  targetKey: z.string(),
  paperIds: z.array(z.string()),
});
const storedMeta = z.object({ v: z.literal(SCHEMA_VERSION), key: z.string(), value: z.unknown() });
const DELIVERY_CHUNK = 1000;
/** The part of an outbox body the store looks at: a thread message names the entry of its header. */
const threadBody = z.object({ thread: z.object({ headerId: z.string() }) });

/** An exported record that does not match its kind (or an unknown kind); the import stops at it. */
export class InvalidRecordError extends Error {
  override name = 'InvalidRecordError';
}

/** Every record of every repository, papers newest first. */
export async function* exportAll(stores: TransferStores): AsyncIterable<ExportLine> {
  for await (const paper of stores.papers.all()) yield { kind: 'paper', record: paperRecord(paper) };
  for (const file of await stores.files.list()) yield { kind: 'file', record: withVersion(file) };
  for (const digest of await stores.digests.list()) yield { kind: 'digest', record: withVersion(digest) };
  for (const channel of await stores.channels.listAll()) yield { kind: 'channel', record: withVersion(channel) };
  for (const sub of await stores.subscriptions.listAll()) yield { kind: 'subscription', record: withVersion(sub) };
  const open = [...(await stores.outbox.pending()), ...(await stores.outbox.failed())];
  const exported = new Set(open.map((entry) => entry.id));
  for (const entry of open) yield { kind: 'outbox', record: withVersion(entry) };
  for (const entry of open) {
    const body = threadBody.safeParse(entry.body);
    if (!body.success || exported.has(body.data.thread.headerId)) continue;
    exported.add(body.data.thread.headerId);
    const header = await stores.outbox.get(body.data.thread.headerId);
    if (header) yield { kind: 'outbox', record: withVersion(header) };
  }
  for (const targetKey of await stores.deliveries.targets()) {
    const ids = (await stores.deliveries.delivered(targetKey)).sort();
    for (let i = 0; i < ids.length; i += DELIVERY_CHUNK) {
      yield { kind: 'delivery', record: withVersion({ targetKey, paperIds: ids.slice(i, i + DELIVERY_CHUNK) }) };
    }
  }
  for (const { key, value } of await stores.meta.entries()) yield { kind: 'meta', record: withVersion({ key, value }) };
  for (const userId of await stores.saved.users()) {
    const items = await stores.saved.list(userId);
    if (items.length > 0) yield { kind: 'saved', record: withVersion({ userId, items }) };
  }
  for (const day of await stores.saved.days()) yield { kind: 'save-day', record: withVersion(day) };
  for (const weekly of await stores.weekly.list()) yield { kind: 'weekly', record: withVersion(weekly) };
}

/**
 * Parses one exported record, throwing a readable error when it does not match its kind or, past its shape, is a
 * record the bot could never have written (`check`, import-rules.ts).
 */
function parse<T>(schema: z.ZodType<T>, line: ExportLine, check?: (value: T) => string | null): T {
  const result = schema.safeParse(line.record);
  if (result.success) {
    const problem = check?.(result.data) ?? null;
    if (problem !== null) throw new InvalidRecordError(`invalid ${line.kind} record: ${problem}`);
    return result.data;
  }
  const issue = result.error.issues[0];
  throw new InvalidRecordError(`invalid ${line.kind} record: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
}

/** Options of {@link importMany}. */
export interface ImportOptions {
  /**
   * Called for each invalid record, which is then skipped and the import goes on; without it the first invalid
   * record stops the import (after writing the valid ones before it).
   */
  onInvalid?: (error: InvalidRecordError, line: ExportLine) => void;
}

/**
 * Writes exported records back, batching each kind; returns how many were imported. An invalid record
 * (`InvalidRecordError`) goes to `options.onInvalid` and is skipped when that is given; otherwise, and when `lines`
 * itself throws (a bad input line), the valid records before it are written first and the error is rethrown:
 * importing the same lines again is safe, so a fixed file can simply be re-run.
 */
export async function importMany(
  stores: TransferStores,
  lines: Iterable<ExportLine> | AsyncIterable<ExportLine>,
  options: ImportOptions = {},
): Promise<number> {
  const batch = {
    paper: [] as Paper[],
    file: [] as FileRecord[],
    digest: [] as DigestRecord[],
    subscription: [] as SubscriptionRecord[],
    outbox: [] as OutboxEntry[],
  };
  let count = 0;
  let pending = 0;
  const flush = async () => {
    pending = 0;
    await stores.papers.upsertMany(batch.paper.splice(0));
    await stores.files.putMany(batch.file.splice(0));
    await stores.digests.putMany(batch.digest.splice(0));
    await stores.subscriptions.addMany(batch.subscription.splice(0));
    await stores.outbox.restoreMany(batch.outbox.splice(0));
  };
  try {
    for await (const line of lines) {
      try {
        await importOne(line);
      } catch (error) {
        if (!(error instanceof InvalidRecordError) || !options.onInvalid) throw error;
        options.onInvalid(error, line);
        continue;
      }
      count++;
      if (++pending >= 2000) await flush();
    }
  } catch (error) {
    // Keep what was valid before the failure (best effort: a store that is down fails again, and the caller
    // hears about the first error, not this one).
    await flush().catch(() => undefined);
    throw error;
  }
  await flush();
  return count;

  async function importOne(line: ExportLine): Promise<void> {
    switch (line.kind) {
      case 'paper':
        batch.paper.push(parse(storedPaper, line, paperProblem));
        break;
      case 'file':
        batch.file.push(parse(storedFile, line));
        break;
      case 'digest':
        batch.digest.push(parse(storedDigest, line, (d) => dateProblem('date', d.date)));
        break;
      case 'subscription':
        batch.subscription.push(parse(storedSubscription, line));
        break;
      case 'outbox':
        batch.outbox.push(parse(storedOutbox, line));
        break;
      case 'channel':
        await stores.channels.put(parse(storedChannel, line));
        break;
      case 'delivery': {
        const { targetKey, paperIds } = parse(storedDelivery, line);
        await stores.deliveries.markDelivered(targetKey, paperIds);
        break;
      }
      case 'meta': {
        const { key, value } = parse(storedMeta, line, (m) => metaKeyProblem(m.key));
        await stores.meta.set(key, value);
        break;
      }
      case 'saved':
        await stores.saved.restoreList(parse(storedSavedList, line));
        break;
      case 'save-day':
        await stores.saved.restoreDay(parse(storedSaveDay, line, (d) => dateProblem('day', d.day)));
        break;
      case 'weekly':
        await stores.weekly.put(parse(storedWeekly, line));
        break;
      default:
        throw new InvalidRecordError(`unknown record kind ${JSON.stringify((line as { kind: unknown }).kind)}`);
    }
  }
}
