/**
 * Issue 15 item 1: the bot rides out a store outage. The real `npm start` process runs on a Redis server this test
 * started itself (then SIGKILLs and restarts), or on PostgreSQL behind a proxy whose connections the test cuts.
 * While the store is gone the process stays up, commands answer "the archive is unavailable" (en-US and zh-CN) and
 * /healthz says 503 naming the store; when it is back the run retries by itself, the digest written during the
 * outage is posted exactly once, and search finds it.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { openStores } from '../../src/store/index.ts';
import { POSTGRES_URL, reachable, uniqueNamespace } from '../helpers/backends.ts';
import { createWorld, type TestWorld } from '../helpers/bot.ts';
import { digestMarkdown, rows } from '../helpers/digests.ts';
import { postedIds, reply } from '../helpers/replies.ts';
import { freePort, haveRedisServer, startCuttableProxy, startPrivateRedis } from '../helpers/servers.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outage {
  url: string;
  /** Takes the store away. */
  down(): Promise<void>;
  /** Brings it back. */
  up(): Promise<void>;
  close(): Promise<void>;
}

async function redisOutage(): Promise<Outage> {
  const redis = await startPrivateRedis();
  return { url: redis.url, down: redis.kill, up: redis.restart, close: redis.close };
}

async function postgresOutage(): Promise<Outage> {
  const target = new URL(POSTGRES_URL);
  const proxy = await startCuttableProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const url = new URL(POSTGRES_URL);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return { url: url.toString(), down: proxy.cut, up: proxy.restore, close: proxy.close };
}

const redisSkip = (await haveRedisServer()) ? false : 'skipped: redis-server is not installed';
const postgresSkip = (await reachable(POSTGRES_URL, 5432)) || process.env.REQUIRE_SERVERS ? false : `skipped: no PostgreSQL at ${POSTGRES_URL}`;

for (const [name, makeOutage, skip] of [
  ['Redis (server killed and restarted)', redisOutage, redisSkip],
  ['PostgreSQL (connections cut and restored)', postgresOutage, postgresSkip],
] as const) {
  describe(`store outage: ${name}`, { skip, timeout: 120_000 }, () => {
    let world: TestWorld;
    let outage: Outage;
    let child: ChildProcess;
    let exited: Promise<unknown>;
    let healthUrl: string;
    const namespace = uniqueNamespace('outage');
    const logs: string[] = [];

    const waitUntil = async (what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await ok())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${logs.slice(-20).join('\n')}`);
        await sleep(100);
      }
    };
    const health = async () => {
      const response = await fetch(healthUrl);
      return { status: response.status, body: (await response.json()) as { status: string; store: string } };
    };
    const search = (query: string, locale = 'en-US') =>
      world.discord.interact(
        { kind: 'command', name: 'paper', options: [{ type: 1, name: 'search', options: [{ type: 3, name: 'query', value: query }] }] as never, channelId: world.discord.channelId, userId: world.discord.addMember(world.discord.guildId).user.id, locale },
        { timeoutMs: 15_000 },
      );
    let admin = '';
    const runNow = () =>
      world.discord.interact(
        { kind: 'command', name: 'digest', options: [{ type: 1, name: 'run' }], channelId: world.discord.channelId, userId: admin },
        { timeoutMs: 15_000 },
      );
    const posted = () => postedIds(world.discord.messages(world.discord.channelId));

    before(async () => {
      outage = await makeOutage();
      world = await createWorld();
      await world.deploy();
      const role = world.discord.addRole(world.discord.guildId, { name: 'admins', permissions: PermissionFlagsBits.ManageGuild });
      admin = world.discord.addMember(world.discord.guildId, { roles: [role.id] }).user.id;
      const metricsPort = await freePort();
      healthUrl = `http://127.0.0.1:${metricsPort}/healthz`;
      writeFileSync(join(world.digestDir, '2026-04-01-arxiv.md'), digestMarkdown('2026-04-01', rows(3, 81000, '停机前')));
      const env = {
        ...process.env,
        ...world.env,
        KEYV_URL: outage.url,
        KEYV_NAMESPACE: namespace,
        METRICS_PORT: String(metricsPort),
        DIGEST_CHANNEL_IDS: world.discord.channelId,
        LEASE_TTL_MS: '3000',
        LOG_LEVEL: 'info',
      };
      child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      exited = once(child, 'exit');
      createInterface({ input: child.stdout! }).on('line', (line) => logs.push(line));
      createInterface({ input: child.stderr! }).on('line', (line) => logs.push(line));
    });

    after(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await outage.up().catch(() => undefined);
      const stores = await openStores(outage.url, { namespace }).catch(() => null);
      if (stores) {
        await stores.kv.clear().catch(() => undefined);
        await stores.redis?.del([`${namespace}:lease`, `${namespace}:lease-token`]).catch(() => undefined);
        await stores.close();
      }
      await outage.close();
      await world.close();
    });

    it('stays up through the outage, says so, and resumes with nothing lost', async () => {
      await waitUntil('the first digest posted', () => posted().length === 3);
      assert.equal((await health()).status, 200);

      await outage.down();
      await sleep(1500);
      assert.equal(child.exitCode, null, `the bot is still running after the store went away\n${logs.slice(-20).join('\n')}`);

      const report = await health();
      assert.equal(report.status, 503, JSON.stringify(report.body));
      assert.match(report.body.store, /error|no answer/);

      // A digest arrives while the store is down: it must be posted once the store is back, without anyone asking.
      writeFileSync(join(world.digestDir, '2026-04-02-arxiv.md'), digestMarkdown('2026-04-02', rows(2, 82000, '停机中')));
      const english = reply(await search('停机前81001')).content;
      assert.match(english, /archive is unavailable.*try again shortly/i);
      const chinese = reply(await search('停机前81001', 'zh-CN')).content;
      assert.match(chinese, /存档暂时不可用/);
      // An admin asks for a run: it cannot happen now, says why, and is retried by itself once the store is back.
      const run = reply(await runNow());
      assert.match(`${run.content} ${JSON.stringify(run.embeds)}`, /unavailable/i);
      assert.equal(child.exitCode, null, 'still running after commands hit the dead store');

      await outage.up();
      await waitUntil('/healthz ok again', async () => (await health().catch(() => ({ status: 0 }))).status === 200);
      await waitUntil('the digest written during the outage posted', () => posted().length >= 5, 45_000);
      await sleep(1000);
      assert.deepEqual([...posted()].sort(), [...rows(3, 81000), ...rows(2, 82000)].map((r) => r.arxivId).sort(), 'each paper exactly once');
      const found = reply(await search('停机中82001'));
      assert.match(found.embeds[0]?.description ?? found.content, /82001/);
      assert.equal(child.exitCode, null);
      assert.equal(logs.filter((l) => /Unhandled 'error' event|uncaught/i.test(l)).length, 0, 'no unhandled errors');
    });
  });
}
