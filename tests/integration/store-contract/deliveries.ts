/**
 * The store contract, deliveries: a paper reaches a target once. One module per capability, each taking a backend;
 * tests/integration/store-contract.test.ts runs them all on every backend (memory, SQLite, Redis, Postgres).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { targetKeyOf } from '../../../src/store/index.ts';
import type { TestBackend } from '../../helpers/backends.ts';
import { withStores } from '../../helpers/store-contract.ts';

/** The deliveries part of the store contract, for one backend. */
export function deliveriesContract(backend: TestBackend): void {
  it('records deliveries so a paper reaches a target once', () =>
    withStores(backend, async (s) => {
      const key = targetKeyOf({ kind: 'channel', channelId: 'c1', guildId: 'g1' });
      assert.equal(key, 'channel:c1');
      assert.equal(targetKeyOf({ kind: 'user', userId: 'u1', guildId: 'g1' }), 'user:u1');
      const ids = Array.from({ length: 100 }, (_, i) => `arxiv:2511.${i}`);
      await s.deliveries.markDelivered(key, ids.slice(0, 60));
      assert.equal(await s.deliveries.has(key, 'arxiv:2511.5'), true);
      assert.equal(await s.deliveries.has(key, 'arxiv:2511.75'), false);
      assert.equal(await s.deliveries.has('user:u1', 'arxiv:2511.5'), false);
      assert.deepEqual(await s.deliveries.filterUndelivered(key, ids), ids.slice(60));
      await s.deliveries.markDelivered(key, ids.slice(50));
      assert.deepEqual(await s.deliveries.filterUndelivered(key, ids), []);
      assert.equal((await s.deliveries.delivered(key)).length, 100);
      assert.deepEqual(await s.deliveries.targets(), [key]);
    }));
}
