/**
 * Issue 18: a store written by release 0.1 (one `outbox:pending` list, deliveries in 32 hash buckets per target)
 * is migrated when it is opened, on every backend: every pending post, every failed one and every delivery is
 * found again, and the old keys are gone. The fixture holds the keys exactly as 0.1's repositories wrote them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { openStores } from '../../src/store/index.ts';
import { STORE_LAYOUT } from '../../src/store/index.ts';
import { testBackends } from '../helpers/backends.ts';

interface Fixture {
  keys: [string, unknown][];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/store-v1-keys.json', import.meta.url), 'utf8')) as Fixture;
const raw = new Map(fixture.keys);
const list = (key: string) => ((raw.get(key) as { items?: string[] } | undefined)?.items ?? []);
type V1Entry = { id: string; state: string };
const records = fixture.keys.filter(([k]) => /^outbox:(?!pending$|failed$)/.test(k)).map(([, v]) => v as V1Entry);
const stateOf = new Map(records.map((r) => [r.id, r.state]));
// What 0.1 would have answered, computed from its own keys.
const expectedPending = list('outbox:pending').filter((id) => stateOf.get(id) === 'pending');
const expectedFailed = list('outbox:failed').filter((id) => stateOf.get(id) === 'failed');
const expectedTargets = list('deliveries:targets');
const expectedDelivered = new Map(expectedTargets.map((t) => [t, Array.from({ length: 32 }, (_, n) => list(`dlv:${t}:${n}`)).flat().sort()]));

const backends = (await testBackends()).filter((b) => b.name !== 'memory');

for (const backend of backends) {
  describe(`store migration from release 0.1: ${backend.name}`, { skip: backend.skip }, () => {
    it('finds every pending post, failed post and delivery after a restart', async () => {
      assert.ok(expectedPending.length >= 10 && expectedFailed.length === 2 && expectedTargets.length === 4, 'the fixture has material');
      // Write the old release's keys into a fresh namespace, as that release left them (no layout stamp).
      const old = await backend.open();
      const warnings: string[] = [];
      try {
        await old.kv.deleteMany(['store:layout']);
        await old.kv.setMany(fixture.keys.map(([key, value]) => ({ key, value })));
        const url = backend.name === 'sqlite' ? old.backend : backend.url;
        const reopened = await openStores(url, { namespace: old.namespace, log: { warn: (_obj, msg) => warnings.push(msg) } });
        try {
          assert.deepEqual((await reopened.outbox.pending()).map((e) => e.id), expectedPending, 'pending posts, in order');
          assert.deepEqual((await reopened.outbox.failed()).map((e) => e.id), expectedFailed);
          assert.deepEqual(await reopened.deliveries.targets(), expectedTargets);
          for (const [target, ids] of expectedDelivered) {
            assert.deepEqual((await reopened.deliveries.delivered(target)).sort(), ids, target);
            assert.deepEqual(await reopened.deliveries.filterUndelivered(target, ids), [], `${target}: nothing delivered twice`);
          }
          assert.deepEqual(await reopened.deliveries.filterUndelivered('channel:c3', ['arxiv:2601.00007', 'arxiv:2601.00008']), ['arxiv:2601.00008']);
          // A thread header sent under 0.1 is still there for the thread's pending messages.
          assert.equal((await reopened.outbox.get('digest:c1:2026-01-09:arxiv:h:0'))?.messageId, '900000000000000001');
          // The old lists are gone, the store is stamped, and a second open does nothing.
          const left = await reopened.kv.getMany(['outbox:pending', 'outbox:failed', 'deliveries:targets', 'dlv:channel:c1:0']);
          assert.deepEqual(left.map((v) => v ?? undefined), [undefined, undefined, undefined, undefined]);
          assert.deepEqual(await reopened.kv.get('store:layout'), { v: 1, layout: STORE_LAYOUT });
          assert.equal(await reopened.migrate(), null);
          assert.ok(warnings.some((w) => /migrated/.test(w)), 'the migration is logged');
          // And the migrated store keeps working.
          const first = expectedPending[0] as string;
          await reopened.outbox.markSent(first, '123');
          assert.deepEqual((await reopened.outbox.pending()).map((e) => e.id), expectedPending.slice(1));
        } finally {
          await reopened.close();
        }
      } finally {
        await old.dispose();
      }
    });

    it('an interrupted migration runs again and loses nothing', async () => {
      const s = await backend.open();
      try {
        await s.kv.deleteMany(['store:layout']);
        await s.kv.setMany(fixture.keys.map(([key, value]) => ({ key, value })));
        // As if a first migration died after copying part of the deliveries: some pairs are already there.
        await s.deliveries.markDelivered('channel:c1', ['arxiv:2601.00000', 'arxiv:2601.00001']);
        const report = await s.migrate();
        assert.equal(report?.pending, list('outbox:pending').length);
        assert.equal(report?.targets, 4);
        assert.deepEqual((await s.deliveries.delivered('channel:c1')).sort(), expectedDelivered.get('channel:c1'));
        assert.deepEqual((await s.outbox.pending()).map((e) => e.id), expectedPending);
      } finally {
        await s.dispose();
      }
    });
  });
}
