/**
 * The storage layer: repositories over Keyv (SQLite by default, Redis or Postgres by URL, or memory).
 * Start with `openStores(process.env.KEYV_URL)`; tests use `memoryStores()`.
 */
export type { Stores, OpenStoresOptions } from './stores.ts';
export { openStores, memoryStores, createStores, DEFAULT_NAMESPACE } from './stores.ts';
export { DEFAULT_SQLITE_PATH, redactUrl } from './backends.ts';
export type { RedisClient } from './backends.ts';
export { StoreOpenError, StoreUnavailableError, asStoreError, isStoreError } from './errors.ts';
export type { Kv, StoreLogger, RetryOptions } from './kv.ts';
export type { PaperStore, UpsertResult } from './papers.ts';
export { mergePaper } from './papers.ts';
export type { FileStore } from './files.ts';
export { contentHash, isUnchanged } from './files.ts';
export type { DigestStore } from './digests.ts';
export type { ChannelStore } from './channels.ts';
export type { SubscriptionStore, NewSubscription } from './subscriptions.ts';
export { newSubscriptionId } from './subscriptions.ts';
export type { Outbox, NewOutboxEntry } from './outbox.ts';
export type { DeliveryStore, TargetPapers } from './deliveries.ts';
export type { MigrationReport } from './migrate.ts';
export { STORE_LAYOUT } from './migrate.ts';
export { targetKeyOf } from './deliveries.ts';
export type { MetaStore } from './meta.ts';
export type { SavedStore, SaveOutcome, SaveCount } from './saved.ts';
export type { WeeklyStore } from './weekly.ts';
export type { ExportLine, ExportKind } from './transfer.ts';
export type {
  ChannelMode,
  PostLocale,
  ChannelRecord,
  DeliveryTarget,
  DigestRecord,
  FileDigest,
  FileRecord,
  OutboxEntry,
  SubscriptionRecord,
  Suspension,
  SavedItem,
  SavedListRecord,
  SaveDayRecord,
  WeeklyRecord,
} from './records.ts';
