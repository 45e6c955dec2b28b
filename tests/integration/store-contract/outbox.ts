/**
 * The store contract, the outbox: creation order, never overwritten, sent and failed entries leave the queue. One
 * module per capability, each taking a backend; tests/integration/store-contract.test.ts runs them all on every
 * backend (memory, SQLite, Redis, Postgres).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { NewOutboxEntry } from '../../../src/store/index.ts';
import type { TestBackend } from '../../helpers/backends.ts';
import { withStores } from '../../helpers/store-contract.ts';

/** The outbox part of the store contract, for one backend. */
export function outboxContract(backend: TestBackend): void {
  it('runs the outbox: creation order, never overwrites, sent and failed leave the queue', () =>
    withStores(backend, async (s) => {
      const target = { kind: 'channel' as const, channelId: 'c1', guildId: 'g1' };
      const entry = (id: string, body: unknown): NewOutboxEntry => ({ id, target, body, paperIds: [`p-${id}`] });
      assert.deepEqual(await s.outbox.enqueueMany([entry('m1', { content: 'one' }), entry('m2', { content: 'two' })]), [
        'm1',
        'm2',
      ]);
      assert.deepEqual(await s.outbox.enqueueMany([entry('m1', { content: 'CHANGED' }), entry('m3', { content: 'three' })]), [
        'm3',
      ]);
      assert.deepEqual((await s.outbox.get('m1'))?.body, { content: 'one' });
      assert.deepEqual((await s.outbox.pending()).map((e) => e.id), ['m1', 'm2', 'm3']);
      assert.deepEqual((await s.outbox.pending(2)).map((e) => e.id), ['m1', 'm2']);
      assert.equal(await s.outbox.depth(), 3);
      const tried = await s.outbox.recordAttempt('m1', '503');
      assert.equal(tried?.attempts, 1);
      assert.equal(tried?.state, 'pending');
      const sent = await s.outbox.markSent('m1', '111');
      assert.equal(sent?.state, 'sent');
      assert.equal(sent?.messageId, '111');
      assert.ok(sent?.sentAt);
      const failed = await s.outbox.markFailed('m2', 'Missing Access');
      assert.equal(failed?.state, 'failed');
      assert.deepEqual((await s.outbox.pending()).map((e) => e.id), ['m3']);
      assert.deepEqual((await s.outbox.failed()).map((e) => e.id), ['m2']);
      // A re-plan after the message was sent must not bring it back.
      assert.deepEqual(await s.outbox.enqueueMany([entry('m1', { content: 'one' })]), []);
      assert.equal((await s.outbox.get('m1'))?.state, 'sent');
      assert.equal(await s.outbox.markSent('nope', '1'), undefined);
      assert.equal(await s.outbox.depth(), 1);
    }));
}
