/**
 * The store backends tests run against: memory, SQLite (a temp file), Redis and Postgres (the servers on this
 * machine, or TEST_REDIS_URL / TEST_POSTGRES_URL). Each opened store gets its own namespace, so parallel and
 * repeated runs never see each other's data, and `dispose()` deletes what the test wrote.
 *
 * A server that is not reachable skips its tests with "skipped: no Redis at redis://…" — unless REQUIRE_SERVERS
 * is set (CI), in which case the backend is not skipped and its tests fail on the connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenStoresOptions, Stores } from '../../src/store/index.ts';
import { openStores, redactUrl } from '../../src/store/index.ts';

/** One backend for a test suite. */
export interface TestBackend {
  name: 'memory' | 'sqlite' | 'redis' | 'postgres';
  /** The store URL (for messages; may contain credentials, so show `redactUrl(url)`). */
  url: string;
  /** node:test `skip` value: a message when the server is unreachable and not required, else undefined. */
  skip: string | undefined;
  /** Opens a store in a fresh namespace; call `dispose()` on the result when done. */
  open(options?: Omit<OpenStoresOptions, 'namespace' | 'sqlitePath'>): Promise<TestStores>;
}

/** Stores plus their clean-up. */
export type TestStores = Stores & { namespace: string; dispose(): Promise<void> };

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

let counter = 0;
/** A namespace unique to this process and call (no `_` or `%`: the SQL adapters clear with LIKE). */
export function uniqueNamespace(prefix = 't'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** True when a TCP connection to the URL's host and port succeeds within `timeoutMs`. */
export function reachable(url: string, defaultPort: number, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(port || defaultPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

let sqliteDir: string | undefined;
/** A temp folder for SQLite files, removed at exit. */
function sqliteFile(): string {
  if (sqliteDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'adb-store-'));
    sqliteDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return join(sqliteDir, 'store.sqlite');
}

function backend(name: TestBackend['name'], url: string, skip: string | undefined): TestBackend {
  return {
    name,
    url,
    skip,
    async open(options = {}) {
      const namespace = uniqueNamespace();
      const target = name === 'sqlite' ? `sqlite://${sqliteFile()}` : url;
      const stores = await openStores(target, { ...options, namespace });
      return Object.assign(stores, {
        namespace,
        async dispose() {
          try {
            await stores.kv.clear();
          } finally {
            await stores.close();
          }
        },
      });
    },
  };
}

/** The four backends, reachability checked (once per call). */
export async function testBackends(): Promise<TestBackend[]> {
  const required = Boolean(process.env.REQUIRE_SERVERS);
  const [redisUp, postgresUp] = await Promise.all([reachable(REDIS_URL, 6379), reachable(POSTGRES_URL, 5432)]);
  const skipUnless = (up: boolean, what: string, url: string) =>
    up || required ? undefined : `skipped: no ${what} at ${redactUrl(url)}`;
  return [
    backend('memory', 'memory://', undefined),
    backend('sqlite', 'sqlite://<temp file>', undefined),
    backend('redis', REDIS_URL, skipUnless(redisUp, 'Redis', REDIS_URL)),
    backend('postgres', POSTGRES_URL, skipUnless(postgresUp, 'PostgreSQL', POSTGRES_URL)),
  ];
}
