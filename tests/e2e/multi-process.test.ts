/**
 * Issue 7, more than one process: two bot processes (one Discord shard each) share one real Redis store.
 * Interactions reach the process of their guild's shard, the job runs on the lease holder only (a digest is posted
 * once), search stays consistent across processes, and killing the holder mid-post hands over with nothing lost
 * or doubled.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { deployCommands } from '../../src/interactions/deploy.ts';
import { openStores } from '../../src/store/index.ts';
import { REDIS_URL, reachable, uniqueNamespace } from '../helpers/backends.ts';
import { createWorld, type TestWorld } from '../helpers/bot.ts';
import { digestMarkdown, rows } from '../helpers/digests.ts';
import { postedIds, reply } from '../helpers/replies.ts';

const redisUp = await reachable(REDIS_URL, 6379);
const skip = !redisUp && !process.env.REQUIRE_SERVERS ? `skipped: no Redis at ${REDIS_URL}` : false;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const shardOf = (guildId: string) => Number((BigInt(guildId) >> 22n) % 2n);

interface Proc {
  shard: number;
  child: ChildProcess;
  logs: string[];
  exited: Promise<unknown>;
}

describe('two processes, two shards, one Redis', { skip, timeout: 180_000 }, () => {
  let world: TestWorld;
  const namespace = uniqueNamespace('mp');
  const guilds: string[] = [];
  const channels: string[] = [];
  const admins: string[] = [];
  const procs: Proc[] = [];

  const start = (shard: number): Proc => {
    const env = {
      ...process.env,
      ...world.env,
      KEYV_URL: REDIS_URL,
      KEYV_NAMESPACE: namespace,
      SHARD_IDS: String(shard),
      SHARD_COUNT: '2',
      LEASE_TTL_MS: '2000',
      DIGEST_CRON: '*/2 * * * * *',
      DIGEST_CHANNEL_IDS: channels.join(','),
      LOG_LEVEL: 'info',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const logs: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => logs.push(line));
    createInterface({ input: child.stderr! }).on('line', (line) => logs.push(line));
    const proc = { shard, child, logs, exited: once(child, 'exit') };
    procs.push(proc);
    return proc;
  };
  const leader = () => procs.find((p) => p.child.exitCode === null && p.child.signalCode === null && p.logs.some((l) => l.includes('job lease taken')) && !p.logs.some((l) => l.includes('job lease lost')));
  const waitUntil = async (what: string, ok: () => boolean, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${procs.map((p) => `--- shard ${p.shard}\n${p.logs.slice(-15).join('\n')}`).join('\n')}`);
      await sleep(50);
    }
  };
  const status = (i: number) =>
    world.discord.interact(
      { kind: 'command', name: 'digest', options: [{ type: 1, name: 'status' }], channelId: channels[i] as string, userId: admins[i] as string },
      { timeoutMs: 8000 },
    );

  before(async () => {
    world = await createWorld({ shardCount: 2, rateLimits: { messages: { limit: 2, windowMs: 500 } } });
    const { discord } = world;
    guilds.push(discord.guildId);
    // A second guild on the other shard.
    for (;;) {
      const guild = discord.addGuild({ name: 'other' });
      if (shardOf(guild.id) !== shardOf(discord.guildId)) {
        guilds.push(guild.id);
        break;
      }
    }
    guilds.sort((a, b) => shardOf(a) - shardOf(b));
    for (const guild of guilds) {
      channels.push(discord.addChannel(guild, { name: 'papers' }).id);
      const role = discord.addRole(guild, { name: 'admins', permissions: PermissionFlagsBits.ManageGuild });
      admins.push(discord.addMember(guild, { roles: [role.id] }).user.id);
    }
    await deployCommands({ token: discord.token, apiUrl: discord.apiUrl, applicationId: discord.applicationId });
  });

  after(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    const stores = await openStores(REDIS_URL, { namespace });
    await stores.kv.clear();
    await stores.redis?.del([`${namespace}:lease`, `${namespace}:lease-token`]);
    await stores.close();
    await world.close();
  });

  it('each process answers the interactions of its own shard, and exactly one runs the job', async () => {
    start(0);
    start(1);
    await waitUntil('both shards connected', () => world.discord.gatewayStats(0).identifies >= 1 && world.discord.gatewayStats(1).identifies >= 1);
    await waitUntil('a lease holder', () => leader() !== undefined);
    for (const i of [0, 1]) {
      const record = await status(i);
      const footer = reply(record).embeds[0]?.footer?.text ?? '';
      assert.match(footer, new RegExp(`^shard ${i}/2`), `guild on shard ${i} answered by shard ${i}: ${footer}`);
    }
    assert.equal(procs.filter((p) => p.logs.some((l) => l.includes('job lease taken'))).length, 1, 'one holder');
  });

  it('posts a new digest once per channel, and both processes can search it', async () => {
    writeFileSync(join(world.digestDir, '2026-03-01-arxiv.md'), digestMarkdown('2026-03-01', rows(12, 60000, '多进程论文')));
    await waitUntil('the digest in both channels', () => channels.every((c) => postedIds(world.discord.messages(c)).length >= 12));
    await sleep(2500); // two more scheduled runs: nothing may be posted again
    for (const c of channels) assert.equal(postedIds(world.discord.messages(c)).length, 12);
    for (const i of [0, 1]) {
      const record = await world.discord.interact(
        { kind: 'command', name: 'paper', options: [{ type: 1, name: 'search', options: [{ type: 3, name: 'query', value: '多进程论文60003' }] }], channelId: channels[i] as string, userId: admins[i] as string },
        { timeoutMs: 8000 },
      );
      assert.match(reply(record).embeds[0]?.description ?? '', /60003/, `shard ${i} finds a paper the holder ingested`);
    }
  });

  it('killing the lease holder mid-post hands over with no paper lost or doubled', async () => {
    const before = channels.map((c) => world.discord.messages(c).length);
    writeFileSync(join(world.digestDir, '2026-03-02-arxiv.md'), digestMarkdown('2026-03-02', rows(80, 70000)));
    const holder = leader();
    assert.ok(holder);
    await waitUntil('posting to start', () => channels.some((c, i) => world.discord.messages(c).length > (before[i] ?? 0)));
    holder.child.kill('SIGKILL');
    await holder.exited;
    await waitUntil('the survivor to take over', () => procs.some((p) => p !== holder && p.logs.some((l) => l.includes('job lease taken'))), 15_000);
    await waitUntil('every paper in both channels', () => channels.every((c) => postedIds(world.discord.messages(c)).length >= 92), 60_000);
    await sleep(2500);
    const expected = [...rows(12, 60000), ...rows(80, 70000)].map((r) => r.arxivId).sort();
    for (const c of channels) assert.deepEqual([...postedIds(world.discord.messages(c))].sort(), expected, 'each paper once');
    assert.deepEqual(world.discord.violations(), []);
  });
});
