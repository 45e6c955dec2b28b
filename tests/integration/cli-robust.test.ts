/**
 * Issue 15, the command line as an operator meets it: KEYV_NAMESPACE honoured, a store that does not exist is
 * not read as an empty one, a missing Postgres database named with the fix, the search snapshot beside a
 * `--store` file, and `cli ingest` riding out a Redis restart.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { memorySnapshotFile, openArchive } from '../../src/archive.ts';
import { diskDigestFolder } from '../../src/jobs/digest-folder.ts';
import { ingestFolder } from '../../src/jobs/ingest.ts';
import { openStores } from '../../src/store/index.ts';
import { silentLog } from '../helpers/log.ts';
import { POSTGRES_URL, reachable } from '../helpers/backends.ts';
import { digestMarkdown, rows } from '../helpers/digests.ts';
import { haveRedisServer, startPrivateRedis } from '../helpers/servers.ts';
import { runScript } from '../helpers/subprocess.ts';

const dir = mkdtempSync(join(tmpdir(), 'adb-cli-robust-'));
const dataDir = join(dir, 'data');
const digests = join(dir, 'digests');
mkdirSync(digests);
writeFileSync(join(digests, '2026-03-01-arxiv.md'), digestMarkdown('2026-03-01', rows(4, 61000, '命名空间')));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}, onStderr?: (text: string) => void): Promise<Run> {
  const full: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env };
  if (!('KEYV_URL' in env)) delete full.KEYV_URL;
  return runScript('src/cli.ts', args, { env: full, ...(onStderr && { onStderr }) });
}

const papersIn = (text: string) => text.split('\n').filter((l) => l.startsWith('{"kind":"paper"')).length;
const postgresUp = await reachable(POSTGRES_URL, 5432);
const redisAvailable = await haveRedisServer();

describe('cli robustness (issue 15)', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('honours KEYV_NAMESPACE in ingest and export', async () => {
    const store = `sqlite://${join(dir, 'ns.sqlite')}`;
    const ingest = await cli(['ingest', digests, '--store', store], { KEYV_NAMESPACE: 'lab-a' });
    assert.equal(ingest.code, 0, ingest.stderr);
    const mine = await cli(['export', '--store', store], { KEYV_NAMESPACE: 'lab-a' });
    assert.equal(mine.code, 0, mine.stderr);
    assert.equal(papersIn(mine.stdout), 4);
    const other = await cli(['export', '--store', store]);
    assert.equal(papersIn(other.stdout), 0, 'the default namespace holds nothing');
    const stores = await openStores(store, { namespace: 'lab-a' });
    assert.equal(await stores.papers.count(), 4, 'written where the bot with KEYV_NAMESPACE=lab-a reads');
    await stores.close();
  });

  it('a reading command on a store that does not exist says so and creates nothing; a writing one says where it creates it', async () => {
    const missing = join(dir, 'mistyped', 'path.sqlite');
    for (const args of [['export', '--store', `sqlite://${missing}`], ['search', 'x', '--store', `sqlite://${missing}`]]) {
      const run = await cli(args);
      assert.equal(run.code, 1, run.stdout);
      assert.match(run.stderr, /does not exist — check --store/);
      assert.equal(run.stdout, '');
    }
    assert.equal(existsSync(missing), false, 'nothing created');
    const fresh = join(dir, 'fresh', 'new.sqlite');
    const ingest = await cli(['ingest', digests, '--store', `sqlite://${fresh}`]);
    assert.equal(ingest.code, 0, ingest.stderr);
    assert.match(ingest.stderr, new RegExp(`creating a new store at sqlite://${fresh.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    // The search snapshot of a --store file sits beside it, not in DATA_DIR.
    assert.ok(readdirSync(join(dir, 'fresh')).some((f) => f.endsWith('.idx')), 'snapshot beside the store');
    assert.equal(existsSync(dataDir) && readdirSync(dataDir).some((f) => f.endsWith('.idx')), false, 'nothing in DATA_DIR');
  });

  it('cli ingest and the bot record the same digest file under one key, relative to DIGEST_DIR (issue 15)', async () => {
    const store = `sqlite://${join(dir, 'one-key.sqlite')}`;
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DIGEST_DIR: digests };
    delete env.KEYV_URL;
    // As an operator types it: a path relative to where the command runs (the project root), with a trailing slash.
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const run = await runScript('src/cli.ts', ['ingest', `${relative(root, digests)}/`, '--store', store], { env, cwd: root });
    assert.equal(run.code, 0, run.stderr);
    const stores = await openStores(store);
    try {
      const archive = await openArchive({ stores, snapshot: memorySnapshotFile() });
      // What the bot does on its next run (bot.ts: diskDigestFolder(config.digestDir)).
      const report = await ingestFolder({ archive, folder: diskDigestFolder(digests), log: silentLog() });
      assert.equal(report.changed, 0, 'the bot sees the file as already ingested');
      assert.deepEqual((await stores.files.list()).map((f) => f.path), ['2026-03-01-arxiv.md']);
      assert.deepEqual((await stores.digests.list()).map((d) => d.file), ['2026-03-01-arxiv.md']);
    } finally {
      await stores.close();
    }
  });

  it('a Postgres database that does not exist: says how to create it and names --store', { skip: postgresUp ? false : 'no PostgreSQL' }, async () => {
    const url = new URL(POSTGRES_URL);
    url.pathname = '/adb_missing_db';
    const run = await cli(['export', '--store', url.toString()]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /database adb_missing_db does not exist — create it with `createdb adb_missing_db`, or set --store/);
    assert.doesNotMatch(run.stderr, /KEYV_URL|3D000/);
  });

  it('cli ingest rides out a Redis restart mid-run and loses nothing', { skip: redisAvailable ? false : 'no redis-server', timeout: 120_000 }, async () => {
    const redis = await startPrivateRedis();
    const many = join(dir, 'many');
    mkdirSync(many);
    for (let day = 1; day <= 40; day++) {
      const date = `2026-04-${String(day % 28 + 1).padStart(2, '0')}`;
      writeFileSync(join(many, `${date}-src${day}.md`), digestMarkdown(date, rows(150, day * 200, `重启${day}-`), `src${day}`));
    }
    try {
      let killed = false;
      let finished = false;
      // One probe at a time until the ingest has stored something, then Redis is down for 4 s. A failed restart
      // fails the test (rather than leaving it waiting), and the probing stops when the ingest ends.
      const restarted = (async () => {
        while (!finished) {
          const probe = await openStores(redis.url, { namespace: 'arxiv-digest-bot' }).catch(() => null);
          const count = probe ? await probe.papers.count().catch(() => 0) : 0;
          await probe?.close().catch(() => undefined);
          if (count > 0) {
            killed = true;
            await redis.kill();
            await new Promise((r) => setTimeout(r, 4000));
            await redis.restart();
            return;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const run = await cli(['ingest', many, '--store', redis.url]).finally(() => {
        finished = true;
      });
      await restarted;
      assert.ok(killed, 'Redis was killed mid-ingest');
      assert.equal(run.code, 0, run.stderr.slice(-2000));
      assert.match(run.stderr, /retrying/, 'the outage was shown while it lasted');
      const stores = await openStores(redis.url, { namespace: 'arxiv-digest-bot' });
      assert.equal(await stores.papers.count(), 40 * 150, 'every paper stored');
      await stores.close();
    } finally {
      await redis.close();
    }
  });
});
