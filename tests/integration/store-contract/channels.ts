/**
 * The store contract, digest channels: settings per guild, read-modify-write, removal. One module per capability,
 * each taking a backend; tests/integration/store-contract.test.ts runs them all on every backend (memory, SQLite,
 * Redis, Postgres).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TestBackend } from '../../helpers/backends.ts';
import { channelRecord, withStores } from '../../helpers/store-contract.ts';

/** The channels part of the store contract, for one backend. */
export function channelsContract(backend: TestBackend): void {
  it('stores channel settings per guild', () =>
    withStores(backend, async (s) => {
      await s.channels.put(channelRecord({ channelId: 'c1', guildId: 'g1' }));
      await s.channels.put(channelRecord({ channelId: 'c2', guildId: 'g1', sources: ['arxiv'], mode: 'compact' }));
      await s.channels.put(channelRecord({ channelId: 'c3', guildId: 'g2' }));
      assert.deepEqual((await s.channels.listByGuild('g1')).map((c) => c.channelId), ['c1', 'c2']);
      assert.deepEqual((await s.channels.listAll()).map((c) => c.channelId).sort(), ['c1', 'c2', 'c3']);
      assert.equal((await s.channels.get('c2'))?.mode, 'compact');
      const bumped = await s.channels.update('c1', (c) => ({ ...c, failures: c.failures + 1 }));
      assert.equal(bumped?.failures, 1);
      assert.equal((await s.channels.get('c1'))?.failures, 1);
      assert.equal(await s.channels.update('nope', (c) => c), undefined);
      assert.equal(await s.channels.remove('c1'), true);
      assert.equal(await s.channels.remove('c1'), false);
      assert.deepEqual((await s.channels.listByGuild('g1')).map((c) => c.channelId), ['c2']);
    }));
}
