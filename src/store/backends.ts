/**
 * Opens the Keyv adapter a store URL names, with errors switched on, and checks it with a round trip:
 * `sqlite://path` (default), `redis://`/`rediss://`, `postgres://`/`postgresql://`, `memory://`.
 */
import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import Keyv from 'keyv';
import KeyvPostgres from '@keyv/postgres';
import KeyvRedis, { createClient } from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import { StoreOpenError, errorCode } from './errors.ts';
import { deserializeValue, serializeValue } from './kv.ts';
import { redactUrl } from '../redact.ts';

/** Where the bot keeps its data when no store URL is given. */
export const DEFAULT_SQLITE_PATH = 'data/arxiv-digest-bot.sqlite';

/** An opened Keyv with what is needed to show and close it. */
export interface OpenedKeyv {
  keyv: Keyv;
  kind: 'sqlite' | 'redis' | 'postgres' | 'memory';
  /** Display name with credentials redacted. */
  backend: string;
  /** Closes what Keyv's own `disconnect()` leaves open. */
  onClose?: () => Promise<void>;
  /** The connected Redis client when the backend is Redis: the place for atomic commands (issue 7's lease). */
  redis?: RedisClient;
  /**
   * SQLite: rejects when the file opened is no longer at its path (deleted or replaced while the process runs).
   * SQLite would go on writing to the unlinked file, and everything written would be lost at the next start.
   */
  fileCheck?: () => Promise<void>;
}

export { redactUrl };

/** The node-redis client type `@keyv/redis` re-exports. */
export type RedisClient = ReturnType<typeof newRedisClient>;

/** Options of `openKeyv`. */
export interface OpenKeyvOptions {
  namespace: string;
  sqlitePath?: string;
  /** Start-up round trip limit. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** What the user set to choose this store, named in errors. Default `KEYV_URL`. */
  setting?: string;
}


const keyvOptions = (namespace: string) => ({
  namespace,
  serialize: serializeValue,
  deserialize: deserializeValue,
  throwOnErrors: true,
});

/**
 * SQLite adapter with a real `setMany`: the stock adapter has none, so Keyv would issue one autocommitted
 * INSERT per key (minutes for 25,000 papers); one INSERT … SELECT FROM json_each is one transaction.
 */
class BatchingSqlite extends KeyvSqlite {
  async setMany(entries: { key: string; value: unknown }[]): Promise<void> {
    const rows = JSON.stringify(entries.map((e) => [e.key, e.value]));
    await this.query(
      `INSERT INTO ${this.opts.table ?? 'keyv'} (key, value)
       SELECT json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]') FROM json_each(?) AS j WHERE true
       ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      rows,
    );
  }
}

/** The part of pg's Pool the adapter needs. */
interface PgPool {
  query(sql: string, values?: unknown): Promise<{ rows: unknown[] }>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): void;
}

/**
 * Postgres adapter over a pool we own. The stock adapter keeps a module-global pool with no 'error' listener, so
 * a server restart while a connection sits idle would crash the process; ours logs it and reconnects on demand.
 */
function postgresAdapter(uri: string): { adapter: KeyvPostgres; pool: PgPool } {
  // pg is the adapter's own dependency: resolve it from there rather than declaring it ourselves.
  const require = createRequire(import.meta.resolve('@keyv/postgres'));
  const pg = require('pg') as { Pool: new (options: Record<string, unknown>) => PgPool };
  const pool = new pg.Pool({ connectionString: uri, max: 4, connectionTimeoutMillis: 5000, idleTimeoutMillis: 10_000 });
  pool.on('error', () => {
    // An idle client lost its server; the next query opens a new connection (or fails and is retried).
  });
  class PooledPostgres extends KeyvPostgres {
    override async connect() {
      return async (sql: string, values?: unknown) => (await pool.query(sql, values)).rows as never[];
    }
    override async disconnect() {}
  }
  return { adapter: new PooledPostgres({ uri }), pool };
}

/** A node-redis client that fails fast at start-up and reconnects for ever once it has been connected. */
function newRedisClient(url: string, connectTimeoutMs: number) {
  let connected = false;
  const client = createClient({
    url,
    // Fail fast while disconnected: the store's own retry decides how long to wait, and a write either lands
    // or its caller gets an error — never a command parked for ever in an offline queue.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connectTimeoutMs,
      // Before the first connection: give up at once so start-up can say what is wrong. After it: keep
      // reconnecting with capped backoff.
      reconnectStrategy: (retries: number, cause: Error) => (connected ? Math.min(100 * 2 ** retries, 2000) : cause),
    },
  });
  client.on('ready', () => {
    connected = true;
  });
  return client;
}

/** Opens the adapter for `url` (verified by `openKeyv`). */
function createKeyv(url: string | undefined, options: OpenKeyvOptions): OpenedKeyv {
  const target = url === undefined || url === '' ? `sqlite://${options.sqlitePath ?? DEFAULT_SQLITE_PATH}` : url;
  const scheme = /^([a-z]+):/i.exec(target)?.[1]?.toLowerCase() ?? '';
  const backend = redactUrl(target);
  switch (scheme) {
    case 'memory':
      return { keyv: new Keyv({ store: new Map(), ...keyvOptions(options.namespace) }), kind: 'memory', backend };
    case 'sqlite': {
      const path = target.replace(/^sqlite:\/\//i, '');
      if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
      const adapter = new BatchingSqlite({ uri: `sqlite://${path}`, busyTimeout: 5000 });
      return { keyv: new Keyv({ store: adapter, ...keyvOptions(options.namespace) }), kind: 'sqlite', backend };
    }
    case 'redis':
    case 'rediss': {
      const client = newRedisClient(target, options.connectTimeoutMs ?? 5000);
      client.on('error', () => {
        // Reported through the failing commands; without a listener node-redis would crash the process.
      });
      const adapter = new KeyvRedis(client, {
        namespace: options.namespace,
        throwOnErrors: true,
        throwOnConnectError: true,
      });
      // The adapter prefixes keys itself (`ns::key`); Keyv's own prefix would double it.
      const keyv = new Keyv({ store: adapter, ...keyvOptions(options.namespace), useKeyPrefix: false });
      return {
        keyv,
        kind: 'redis',
        backend,
        redis: client,
        onClose: async () => {
          if (client.isOpen) await client.close().catch(() => client.destroy());
        },
      };
    }
    case 'postgres':
    case 'postgresql': {
      const { adapter, pool } = postgresAdapter(target);
      return {
        keyv: new Keyv({ store: adapter, ...keyvOptions(options.namespace) }),
        kind: 'postgres',
        backend,
        onClose: () => pool.end().catch(() => {}),
      };
    }
    default:
      throw new StoreOpenError(
        `cannot open store ${backend}: unknown scheme — use sqlite://path, redis://host:port, postgresql://host/db or memory://`,
        'unknown-scheme',
      );
  }
}

/** The database a postgres:// URL names (its path), for messages. */
function databaseName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
  } catch {
    return 'postgres';
  }
}

const HINTS: Record<OpenedKeyv['kind'], string> = {
  redis: 'is Redis running?',
  postgres: 'is PostgreSQL running, and does the database exist?',
  sqlite: 'can that file be created and written?',
  memory: '',
};

/**
 * Opens the store at `url` and proves it works with a write/read/delete round trip, or throws one
 * `StoreOpenError` such as `cannot open store redis://127.0.0.1:6399: ECONNREFUSED — is Redis running? set
 * KEYV_URL to another store` (credentials never appear).
 */
export async function openKeyv(url: string | undefined, options: OpenKeyvOptions): Promise<OpenedKeyv> {
  let opened: OpenedKeyv;
  try {
    opened = createKeyv(url, options);
  } catch (error) {
    if (error instanceof StoreOpenError) throw error;
    const shown = redactUrl(url ?? `sqlite://${options.sqlitePath ?? DEFAULT_SQLITE_PATH}`);
    throw new StoreOpenError(`cannot open store ${shown}: ${errorCode(error)} — set ${options.setting ?? 'KEYV_URL'} to another store`, errorCode(error), {
      cause: error,
    });
  }
  const timeoutMs = options.connectTimeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const probe = `probe:${process.pid}:${Date.now()}`;
    const roundTrip = (async () => {
      // Connect ourselves: the adapter would replace the cause (ECONNREFUSED…) with a generic message.
      if (opened.redis) await opened.redis.connect();
      if (opened.kind === 'sqlite') {
        // Several processes (the bot and a CLI ingest) may share the file: WAL lets readers run beside a writer.
        await (opened.keyv.store as BatchingSqlite).query('PRAGMA journal_mode=WAL');
      }
      await opened.keyv.set(probe, 1);
      const back = await opened.keyv.get(probe);
      await opened.keyv.delete(probe);
      if (back !== 1) throw new Error('the store did not return what was written');
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
    });
    await Promise.race([roundTrip, timeout]);
    if (opened.kind === 'sqlite') opened.fileCheck = await sqliteFileCheck(opened.backend);
    return opened;
  } catch (error) {
    await opened.keyv.disconnect().catch(() => {});
    await opened.onClose?.().catch(() => {});
    const setting = options.setting ?? 'KEYV_URL';
    if (opened.kind === 'postgres' && errorCode(error) === '3D000') {
      // SQLSTATE 3D000, invalid_catalog_name: the server is there, the database is not.
      const database = databaseName(url ?? '');
      throw new StoreOpenError(
        `cannot open store ${opened.backend}: database ${database} does not exist — create it with \`createdb ${database}\`, or set ${setting} to another database`,
        '3D000',
        { cause: error },
      );
    }
    const hint = HINTS[opened.kind];
    throw new StoreOpenError(
      `cannot open store ${opened.backend}: ${errorCode(error)} — ${hint ? `${hint} ` : ''}set ${setting} to another store`,
      errorCode(error),
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The check of {@link OpenedKeyv.fileCheck}: the file's identity (device and inode) now, compared on each call. The
 * open database cannot be moved back by the process, so the only fix is a restart, which the message says.
 */
async function sqliteFileCheck(backend: string): Promise<(() => Promise<void>) | undefined> {
  const path = backend.replace(/^sqlite:\/\//i, '');
  if (path === ':memory:') return undefined;
  const file = resolve(path);
  const opened = await stat(file);
  return async () => {
    const now = await stat(file).catch(() => undefined);
    if (now === undefined || now.ino !== opened.ino || now.dev !== opened.dev) {
      throw Object.assign(
        new Error(
          `SQLite file ${file} was ${now === undefined ? 'deleted' : 'replaced'} while the bot runs — restore it (from a backup) and restart; writes now go to the lost file`,
        ),
        { code: 'ESTOREFILE' },
      );
    }
  };
}
