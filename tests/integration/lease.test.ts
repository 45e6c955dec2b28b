import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { localLease, redisLease } from '../../src/jobs/lease.ts';
import { openStores, type Stores } from '../../src/store/index.ts';
import { REDIS_URL, reachable } from '../helpers/backends.ts';

const redisUp = await reachable(REDIS_URL, 6379);
const skip = !redisUp && !process.env.REQUIRE_SERVERS ? `skipped: no Redis at ${REDIS_URL}` : false;

describe('job lease', () => {
  it('is always held by a process that is alone', async () => {
    const lease = localLease();
    assert.equal(await lease.acquire(), 1);
    assert.equal(await lease.stillHeld(), true);
  });

  describe('in Redis', { skip }, () => {
    let stores: Stores;
    const prefix = `test-lease-${randomUUID()}`;
    before(async () => {
      stores = await openStores(REDIS_URL, { namespace: prefix });
    });
    after(async () => {
      await stores.redis?.del([`${prefix}:lease`, `${prefix}:lease-token`]);
      await stores.close();
    });

    it('is held by one process at a time; renewals keep the token; release hands over at once', async () => {
      const redis = stores.redis;
      assert.ok(redis);
      const a = redisLease(redis, { prefix, owner: 'a', ttlMs: 5000 });
      const b = redisLease(redis, { prefix, owner: 'b', ttlMs: 5000 });
      const first = await a.acquire();
      assert.ok(first !== null);
      assert.equal(await b.acquire(), null);
      assert.equal(await a.acquire(), first, 'a renewal keeps the token');
      await a.release();
      const second = await b.acquire();
      assert.ok(second !== null && second > first, 'a new holder gets a larger fencing token');
      assert.equal(await a.stillHeld(), false);
      assert.equal(await a.acquire(), null);
      await b.release();
    });

    it('expires when the holder stops renewing, and the old holder can tell it lost it', async () => {
      const redis = stores.redis;
      assert.ok(redis);
      const a = redisLease(redis, { prefix, owner: 'a2', ttlMs: 300 });
      const b = redisLease(redis, { prefix, owner: 'b2', ttlMs: 300 });
      assert.ok((await a.acquire()) !== null);
      await new Promise((r) => setTimeout(r, 450));
      assert.ok((await b.acquire()) !== null);
      assert.equal(await a.stillHeld(), false);
      await b.release();
    });
  });
});
