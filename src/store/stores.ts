/** `Stores`: every repository over one opened backend, and how to open one from a URL. */
import type { Kv, RetryOptions, StoreLogger } from './kv.ts';
import { keyvKv, silentLogger } from './kv.ts';
import type { RedisClient } from './backends.ts';
import { openKeyv } from './backends.ts';
import type { StoreContext } from './context.ts';
import { KeyedMutex, redisListLock } from './mutex.ts';
import { keyvPaperStore } from './papers.ts';
import { keyvFileStore } from './files.ts';
import { keyvDigestStore } from './digests.ts';
import { keyvChannelStore } from './channels.ts';
import { keyvSubscriptionStore } from './subscriptions.ts';
import { keyvOutbox } from './outbox.ts';
import { keyvDeliveryStore } from './deliveries.ts';
import { keyvSavedStore } from './saved.ts';
import { keyvWeeklyStore } from './weekly.ts';
import { keyvMetaStore } from './meta.ts';
import type { MigrationReport } from './migrate.ts';
import { migrateLayout } from './migrate.ts';
import type { ExportLine, ImportOptions, TransferStores } from './transfer.ts';
import { exportAll, importMany } from './transfer.ts';

/** Every repository of the bot over one store. */
export interface Stores extends TransferStores {
  /** Display name of the backend, credentials redacted (`sqlite://data/arxiv-digest-bot.sqlite`). */
  backend: string;
  kind: 'sqlite' | 'redis' | 'postgres' | 'memory';
  /** The raw key/value layer (tests, maintenance). */
  kv: Kv;
  /** The Redis client when the backend is Redis (for the lease of issue 7), else undefined. */
  redis: RedisClient | undefined;
  /** Every record as `{ kind, record }` (JSON Lines export), read through the indexes. */
  exportAll(): AsyncIterable<ExportLine>;
  /** Puts back one exported record; invalid ones throw. */
  importRecord(line: ExportLine): Promise<void>;
  /** Puts back many exported records in batches (much faster than one by one). */
  importMany(lines: Iterable<ExportLine> | AsyncIterable<ExportLine>, options?: ImportOptions): Promise<number>;
  /**
   * Brings a store written by an earlier release to this release's layout (migrate.ts); `openStores` runs it.
   * Null when there was nothing to do.
   */
  migrate(): Promise<MigrationReport | null>;
  /**
   * The health check (`/healthz`): resolves when the store answers a read. For SQLite it first checks that the file
   * opened is still at its path (a deleted file would otherwise take writes that are lost at the next start).
   */
  check(): Promise<void>;
  close(): Promise<void>;
}

/** Options of `openStores`. */
export interface OpenStoresOptions {
  /** SQLite file used when the URL is undefined. Default `data/arxiv-digest-bot.sqlite`. */
  sqlitePath?: string;
  /** Key prefix separating this bot's data (and test runs) from others in a shared server. */
  namespace?: string;
  /** What the user set to choose this store, named in errors: `KEYV_URL` (default) or `--store`. */
  setting?: string;
  log?: StoreLogger;
  retry?: Partial<RetryOptions>;
  connectTimeoutMs?: number;
  now?: () => Date;
}

/** The namespace used unless told otherwise. */
export const DEFAULT_NAMESPACE = 'arxiv-digest-bot';

/**
 * Builds the repositories over any `Kv` — `openStores` does this for real backends; tests use it to wrap a `Kv`
 * with injected faults.
 */
export function createStores(
  kv: Kv,
  extra: {
    kind: Stores['kind'];
    redis?: RedisClient;
    /** The namespace the Redis lock keys go under (default `DEFAULT_NAMESPACE`). */
    namespace?: string;
    retry?: Partial<RetryOptions>;
    log: StoreLogger;
    now: () => Date;
    /** See `OpenedKeyv.fileCheck`. */
    fileCheck?: () => Promise<void>;
  },
): Stores {
  // Several bot processes may share one Redis store: index lists then also need a lock across processes. Lock
  // keys use the Redis adapter's own `<namespace>::` prefix, so they sit inside the namespace (and `clear()`).
  const shared = extra.redis
    ? redisListLock(extra.redis, {
        prefix: `${extra.namespace ?? DEFAULT_NAMESPACE}::lock:`,
        log: extra.log,
        ...(extra.retry && { retry: extra.retry }),
      })
    : undefined;
  const ctx: StoreContext = { kv, mutex: new KeyedMutex(shared), log: extra.log, now: extra.now };
  const papers = keyvPaperStore(ctx);
  const stores: Omit<Stores, 'exportAll' | 'importRecord' | 'importMany' | 'migrate'> = {
    backend: kv.backend,
    kind: extra.kind,
    papers,
    files: keyvFileStore(ctx),
    digests: keyvDigestStore(ctx),
    channels: keyvChannelStore(ctx),
    subscriptions: keyvSubscriptionStore(ctx),
    outbox: keyvOutbox(ctx),
    deliveries: keyvDeliveryStore(ctx),
    meta: keyvMetaStore(ctx),
    saved: keyvSavedStore(ctx),
    weekly: keyvWeeklyStore(ctx),
    kv,
    redis: extra.redis,
    async check() {
      await extra.fileCheck?.();
      await papers.revision();
    },
    close: () => kv.close(),
  };
  return {
    ...stores,
    exportAll: () => exportAll(stores),
    importRecord: async (line) => {
      await importMany(stores, [line]);
    },
    importMany: (lines, options) => importMany(stores, lines, options),
    migrate: () => migrateLayout(ctx, stores.deliveries),
  };
}

/**
 * Opens the store named by `url` — undefined or `sqlite://path` (SQLite file, folder created), `redis://…`,
 * `postgres://…`/`postgresql://…`, `memory://` — and verifies it with a round trip. Throws `StoreOpenError` with
 * a one-line, credential-free message when it cannot.
 */
export async function openStores(url: string | undefined, options: OpenStoresOptions = {}): Promise<Stores> {
  const log = options.log ?? silentLogger;
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const opened = await openKeyv(url, {
    namespace,
    ...(options.sqlitePath !== undefined && { sqlitePath: options.sqlitePath }),
    ...(options.connectTimeoutMs !== undefined && { connectTimeoutMs: options.connectTimeoutMs }),
    ...(options.setting !== undefined && { setting: options.setting }),
  });
  const kv = keyvKv(opened.keyv, {
    backend: opened.backend,
    log,
    ...(options.retry && { retry: options.retry }),
    ...(opened.onClose && { onClose: opened.onClose }),
  });
  const stores = createStores(kv, {
    kind: opened.kind,
    ...(opened.redis && { redis: opened.redis }),
    namespace,
    ...(options.retry && { retry: options.retry }),
    log,
    now: options.now ?? (() => new Date()),
    ...(opened.fileCheck && { fileCheck: opened.fileCheck }),
  });
  try {
    await stores.migrate();
  } catch (error) {
    await stores.close().catch(() => undefined);
    throw error;
  }
  return stores;
}

/** In-memory stores (a Keyv over a Map) for tests and the local preview. */
export function memoryStores(options: Pick<OpenStoresOptions, 'log' | 'now' | 'namespace'> = {}): Promise<Stores> {
  return openStores('memory://', options);
}
