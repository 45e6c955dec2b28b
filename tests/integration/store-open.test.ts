/**
 * Opening stores: the one-line start-up error for a dead store, the default SQLite file, and run-time outages —
 * a store that drops its connections mid-run is retried, and the write lands once it is back.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { numberedPaper } from '../helpers/papers.ts';
import { StoreOpenError, StoreUnavailableError, openStores } from '../../src/store/index.ts';
import { POSTGRES_URL, REDIS_URL, testBackends, uniqueNamespace } from '../helpers/backends.ts';

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function openError(url: string | undefined): Promise<StoreOpenError> {
  try {
    const stores = await openStores(url, { namespace: uniqueNamespace() });
    await stores.close();
  } catch (error) {
    assert.ok(error instanceof StoreOpenError, String(error));
    return error;
  }
  assert.fail(`${url} opened`);
}

const tmp = mkdtempSync(join(tmpdir(), 'adb-open-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('opening a store', () => {
  it('names a dead Redis in one line, with what to do', async () => {
    const port = await deadPort();
    const error = await openError(`redis://127.0.0.1:${port}`);
    assert.equal(
      error.message,
      `cannot open store redis://127.0.0.1:${port}: ECONNREFUSED — is Redis running? set KEYV_URL to another store`,
    );
    assert.equal(error.code, 'ECONNREFUSED');
  });

  it('never prints credentials', async () => {
    const port = await deadPort();
    const redis = await openError(`redis://bot:hunter2@127.0.0.1:${port}/0`);
    assert.doesNotMatch(redis.message, /hunter2|bot:/);
    assert.match(redis.message, /^cannot open store redis:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:\d+\/0: ECONNREFUSED/);
    const pg = await openError(`postgresql://postgres:hunter2@127.0.0.1:${port}/test`);
    assert.doesNotMatch(pg.message, /hunter2/);
    assert.match(pg.message, /: ECONNREFUSED — is PostgreSQL running, and does the database exist\? set KEYV_URL/);
  });

  it('rejects an unknown scheme and an unusable SQLite path', async () => {
    assert.match((await openError('mongodb://127.0.0.1')).message, /^cannot open store mongodb:\/\/127\.0\.0\.1: unknown scheme/);
    assert.match((await openError('sqlite:///dev/null/x/store.sqlite')).message, /^cannot open store sqlite:\/\/\/dev\/null\/x\/store\.sqlite: ENOTDIR/);
  });

  it('defaults to a SQLite file, creating its folder, and keeps data across restarts', async () => {
    const path = join(tmp, 'nested', 'data', 'bot.sqlite');
    const first = await openStores(undefined, { sqlitePath: path });
    assert.equal(first.backend, `sqlite://${path}`);
    assert.equal(first.kind, 'sqlite');
    await first.meta.set('hello', 'world');
    await first.close();
    assert.ok(existsSync(path));
    const second = await openStores(`sqlite://${path}`);
    assert.equal(await second.meta.get('hello', (await import('zod')).z.string()), 'world');
    await second.close();
  });
});

/** A TCP proxy in front of a real server that can drop every connection and refuse new ones for a while. */
async function proxyTo(target: string, defaultPort: number) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let listenPort = 0;
  const start = async () => {
    server = createServer((client) => {
      const upstream = connect({ host: hostname, port: Number(port || defaultPort) });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server?.listen(listenPort, '127.0.0.1', resolve));
    listenPort = (server.address() as { port: number }).port;
  };
  await start();
  return {
    url: (() => {
      const u = new URL(target);
      u.hostname = '127.0.0.1';
      u.port = String(listenPort);
      return u.toString();
    })(),
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server?.close(resolve));
    },
    start,
  };
}

const paper = (n: number) => numberedPaper(n, { prefix: '9999', date: '2025-11-20', title: `p${n}` });

const servers = (await testBackends()).filter((b) => b.name === 'redis' || b.name === 'postgres');
for (const backend of servers) {
  describe(`run-time outage: ${backend.name}`, { skip: backend.skip }, () => {
    const target = backend.name === 'redis' ? REDIS_URL : POSTGRES_URL;
    const defaultPort = backend.name === 'redis' ? 6379 : 5432;

    it('retries while the server is away and lands the write when it is back', async () => {
      const proxy = await proxyTo(target, defaultPort);
      const warnings: string[] = [];
      const stores = await openStores(proxy.url, {
        namespace: uniqueNamespace(),
        retry: { retries: 10, baseDelayMs: 50, maxDelayMs: 500 },
        log: { warn: (obj, msg) => warnings.push(`${msg} ${String(obj.code)}`) },
      });
      try {
        await stores.papers.upsertMany([paper(1)]);
        await proxy.stop();
        const writing = stores.papers.upsertMany([paper(2), paper(3)]);
        await new Promise((resolve) => setTimeout(resolve, 400));
        await proxy.start();
        const result = await writing;
        assert.equal(result.added.length, 2);
        assert.ok(warnings.some((w) => w.startsWith('store unavailable, retrying')), 'the outage was retried');
        assert.equal(await stores.papers.count(), 3);
        assert.deepEqual((await stores.papers.getMany([paper(2).id, paper(3).id])).map((p) => p?.title), ['p2', 'p3']);
      } finally {
        await stores.kv.clear().catch(() => {});
        await stores.close();
        await proxy.stop();
      }
    });

    it('gives the caller an error to retry later when the server stays away, and loses nothing', async () => {
      const proxy = await proxyTo(target, defaultPort);
      const stores = await openStores(proxy.url, {
        namespace: uniqueNamespace(),
        retry: { retries: 2, baseDelayMs: 20, maxDelayMs: 50 },
      });
      try {
        await proxy.stop();
        await assert.rejects(stores.papers.upsertMany([paper(4)]), StoreUnavailableError);
        await proxy.start();
        // The same call again, once the store is back: the paper lands, listed and counted exactly once.
        await waitFor(async () => (await stores.papers.upsertMany([paper(4)])).added.length === 1);
        assert.deepEqual((await stores.papers.latest()).map((p) => p.id), [paper(4).id]);
        assert.equal(await stores.papers.count(), 1);
      } finally {
        await stores.kv.clear().catch(() => {});
        await stores.close();
        await proxy.stop();
      }
    });
  });
}

/** Retries `check` until it returns true (StoreUnavailableError while reconnecting counts as not yet). */
async function waitFor(check: () => Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || Date.now() > end) throw error;
    }
    if (Date.now() > end) assert.fail('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
