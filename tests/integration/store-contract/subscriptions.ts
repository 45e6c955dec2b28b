/**
 * The store contract, keyword subscriptions: indexed by guild, user and channel; pause and removal. One module per
 * capability, each taking a backend; tests/integration/store-contract.test.ts runs them all on every backend
 * (memory, SQLite, Redis, Postgres).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TestBackend } from '../../helpers/backends.ts';
import { withStores } from '../../helpers/store-contract.ts';

/** The subscriptions part of the store contract, for one backend. */
export function subscriptionsContract(backend: TestBackend): void {
  it('indexes subscriptions by guild, user and channel', () =>
    withStores(backend, async (s) => {
      const base = { guildId: 'g1', keywords: 'diffusion', mentionRoleId: null, createdBy: 'u1' };
      const dm = await s.subscriptions.add({ ...base, channelId: null, userId: 'u1' });
      const ch = await s.subscriptions.add({ ...base, channelId: 'c1', userId: null, mentionRoleId: 'r1' });
      await s.subscriptions.add({ ...base, guildId: 'g2', channelId: null, userId: 'u1', keywords: '扩散模型' });
      assert.ok(dm.id.length > 0 && dm.id !== ch.id);
      assert.equal(dm.paused, null);
      assert.equal(dm.createdAt, '2025-11-24T00:00:01.000Z');
      assert.deepEqual(await s.subscriptions.get(ch.id), ch);
      assert.equal((await s.subscriptions.listAll()).length, 3);
      assert.equal(await s.subscriptions.countByGuild('g1'), 2);
      assert.equal(await s.subscriptions.countByUser('u1'), 2);
      assert.deepEqual((await s.subscriptions.listByChannel('c1')).map((x) => x.id), [ch.id]);
      assert.deepEqual((await s.subscriptions.listByGuild('g1')).map((x) => x.id), [dm.id, ch.id]);
      const paused = await s.subscriptions.update(dm.id, (x) => ({ ...x, paused: { reason: 'DMs closed', since: 'now' } }));
      assert.equal((await s.subscriptions.get(dm.id))?.paused?.reason, 'DMs closed');
      assert.equal(paused?.id, dm.id);
      assert.deepEqual(await s.subscriptions.remove(dm.id), { ...dm, paused: paused?.paused });
      assert.equal(await s.subscriptions.remove(dm.id), undefined);
      assert.equal(await s.subscriptions.countByUser('u1'), 1);
      assert.equal((await s.subscriptions.listAll()).length, 2);
    }));
}
