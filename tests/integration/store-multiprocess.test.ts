/**
 * Two store instances over the same Redis namespace — what two bot processes (one per Discord shard) have —
 * writing the shared index lists at the same time must not lose entries (the lists are read-modify-write JSON,
 * so only a cross-process lock keeps them whole). Also checks the Redis list lock itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChannelRecord, NewOutboxEntry, NewSubscription, Stores } from '../../src/store/index.ts';
import { StoreUnavailableError, openStores } from '../../src/store/index.ts';
import { redisListLock } from '../../src/store/mutex.ts';
import { REDIS_URL, reachable, uniqueNamespace } from '../helpers/backends.ts';

const redisUp = await reachable(REDIS_URL, 6379);
const skip = !redisUp && !process.env.REQUIRE_SERVERS ? `skipped: no Redis at ${REDIS_URL}` : undefined;

const N = 20;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function channel(guildId: string, channelId: string): ChannelRecord {
  return {
    guildId,
    channelId,
    sources: null,
    mode: 'embeds',
    notices: true,
    disabled: null,
    failures: 0,
    addedBy: 'u0',
    addedAt: '2026-01-01T00:00:00.000Z',
    locale: 'en-US',
  };
}

function dmSubscription(id: string, guildId: string, userId: string): NewSubscription {
  return { id, guildId, userId, channelId: null, keywords: `kw-${id}`, mentionRoleId: null, createdBy: userId };
}

function outboxEntry(id: string): NewOutboxEntry {
  return { id, target: { kind: 'channel', channelId: 'c1', guildId: 'g1' }, body: { content: id }, paperIds: [id] };
}

describe('several processes sharing one Redis store', { skip }, () => {
  let namespace: string;
  let a: Stores;
  let b: Stores;
  before(async () => {
    namespace = uniqueNamespace('mp');
    [a, b] = await Promise.all([openStores(REDIS_URL, { namespace }), openStores(REDIS_URL, { namespace })]);
  });
  after(async () => {
    try {
      await a.kv.clear();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('keeps every channel when both add channels in different guilds at once', async () => {
    await Promise.all([
      ...range(N).map((i) => a.channels.put(channel(`ga${i}`, `ca${i}`))),
      ...range(N).map((i) => b.channels.put(channel(`gb${i}`, `cb${i}`))),
    ]);
    const ids = (await a.channels.listAll()).map((c) => c.channelId).sort();
    const expected = [...range(N).map((i) => `ca${i}`), ...range(N).map((i) => `cb${i}`)].sort();
    assert.deepEqual(ids, expected);
    assert.deepEqual((await b.channels.listAll()).map((c) => c.channelId).sort(), expected);
  });

  it('keeps every subscription of one user added from both processes at once', async () => {
    await Promise.all([
      ...range(N).map((i) => a.subscriptions.add(dmSubscription(`sa${i}`, `ga${i}`, 'user-1'))),
      ...range(N).map((i) => b.subscriptions.add(dmSubscription(`sb${i}`, `gb${i}`, 'user-1'))),
    ]);
    assert.equal(await a.subscriptions.countByUser('user-1'), 2 * N);
    assert.equal((await b.subscriptions.listByUser('user-1')).length, 2 * N);
    assert.equal((await a.subscriptions.listAll()).length, 2 * N, 'subs:guilds lost a guild');
  });

  it('keeps every outbox entry enqueued by both processes at once (a lease overlap)', async () => {
    await Promise.all([
      ...range(N).map((i) => a.outbox.enqueueMany([outboxEntry(`oa${i}`)])),
      ...range(N).map((i) => b.outbox.enqueueMany([outboxEntry(`ob${i}`)])),
    ]);
    assert.equal(await a.outbox.depth(), 2 * N);
    assert.equal(await b.outbox.depth(), 2 * N);
  });

  it('leaves no list lock behind', async () => {
    const redis = a.redis;
    assert.ok(redis);
    const locks: string[] = [];
    for await (const keys of redis.scanIterator({ MATCH: `${namespace}::lock:*`, COUNT: 1000 })) locks.push(...keys);
    assert.deepEqual(locks, []);
  });
});

describe('the Redis list lock', { skip }, () => {
  let stores: Stores;
  let prefix: string;
  before(async () => {
    const namespace = uniqueNamespace('lock');
    prefix = `${namespace}::lock:test:`;
    stores = await openStores(REDIS_URL, { namespace });
  });
  after(async () => {
    try {
      await stores.kv.clear();
    } finally {
      await stores.close();
    }
  });

  it('lets one holder in at a time across instances', async () => {
    const redis = stores.redis;
    assert.ok(redis);
    const one = redisListLock(redis, { prefix });
    const two = redisListLock(redis, { prefix });
    let inside = 0;
    let most = 0;
    const section = async () => {
      inside++;
      most = Math.max(most, inside);
      await new Promise((r) => setTimeout(r, 5));
      inside--;
    };
    await Promise.all(range(10).map((i) => (i % 2 ? one : two).run('k', section)));
    assert.equal(most, 1);
    assert.equal(await redis.exists(`${prefix}k`), 0, 'released');
  });

  it('takes over a lock whose holder died once it expires, and gives up after its bound', async () => {
    const redis = stores.redis;
    assert.ok(redis);
    await redis.set(`${prefix}dead`, 'someone-else', { PX: 150 });
    const lock = redisListLock(redis, { prefix, ttlMs: 1000, waitMs: 1000 });
    const started = Date.now();
    assert.equal(await lock.run('dead', async () => 'ran'), 'ran');
    assert.ok(Date.now() - started >= 100, 'waited for the expiry');

    await redis.set(`${prefix}stuck`, 'someone-else', { PX: 5000 });
    const impatient = redisListLock(redis, { prefix, ttlMs: 1000, waitMs: 100 });
    await assert.rejects(impatient.run('stuck', async () => 'ran'), StoreUnavailableError);
    assert.equal(await redis.get(`${prefix}stuck`), 'someone-else', 'a lock it does not hold is never released');
    await redis.del(`${prefix}stuck`);
  });

  it('fails fast with an error to retry later when Redis is unreachable, running nothing', async () => {
    const redis = stores.redis;
    assert.ok(redis);
    const offline = redis.duplicate(); // never connected: every command fails at once, like an outage
    const lock = redisListLock(offline, { prefix, retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 20 } });
    let ran = false;
    const started = Date.now();
    await assert.rejects(
      lock.run('away', async () => {
        ran = true;
      }),
      StoreUnavailableError,
    );
    assert.equal(ran, false);
    assert.ok(Date.now() - started < 1000, 'bounded by the retry policy, not by the lock wait');
  });

  it('does not write when it lost the lock during a slow section', async () => {
    const redis = stores.redis;
    assert.ok(redis);
    const lock = redisListLock(redis, { prefix, ttlMs: 100, waitMs: 1000 });
    let wrote = false;
    await assert.rejects(
      lock.run('slow', async (guard) => {
        await new Promise((r) => setTimeout(r, 150));
        await redis.set(`${prefix}slow`, 'another-holder', { PX: 5000 });
        await guard();
        wrote = true;
      }),
      StoreUnavailableError,
    );
    assert.equal(wrote, false);
    assert.equal(await redis.get(`${prefix}slow`), 'another-holder');
    await redis.del(`${prefix}slow`);
  });
});
