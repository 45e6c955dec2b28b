/**
 * Issue 18's part of the storage contract, on every backend: the outbox queue and the delivery logs are segmented
 * (cost per operation independent of their size), batched delivery checks and marks, and lazy removal of done
 * entries that never drops an open one — also while marks, enqueues and retries run at the same time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NewOutboxEntry } from '../../src/store/index.ts';
import type { TestBackend, TestStores } from '../helpers/backends.ts';
import { testBackends } from '../helpers/backends.ts';

const target = (c: string) => ({ kind: 'channel' as const, channelId: c, guildId: 'g1' });
const entry = (i: number, channel = `c${i % 7}`): NewOutboxEntry => ({ id: `m${String(i).padStart(5, '0')}`, target: target(channel), body: { n: i }, paperIds: [`p${i}`] });

function scaleContract(backend: TestBackend): void {
  async function withStores(fn: (s: TestStores) => Promise<void>): Promise<void> {
    const s = await backend.open();
    try {
      await fn(s);
    } finally {
      await s.dispose();
    }
  }

  it('keeps creation order across queue segments; marking sent rewrites no queue segment', () =>
    withStores(async (s) => {
      const all = Array.from({ length: 700 }, (_, i) => entry(i));
      await s.outbox.enqueueMany(all.slice(0, 300));
      await s.outbox.enqueueMany(all.slice(300));
      assert.deepEqual((await s.outbox.pending()).map((e) => e.id), all.map((e) => e.id));
      const head = await s.kv.get('outbox:queue');
      const segments = await s.kv.getMany(['outbox:queue:1', 'outbox:queue:2', 'outbox:queue:3']);
      assert.ok(segments.every((x) => x !== undefined), 'three segments of at most 256 ids');
      for (let i = 0; i < 260; i++) await s.outbox.markSent(all[i]?.id as string, String(i));
      // The marks touched the records only.
      assert.deepEqual(await s.kv.get('outbox:queue'), head);
      assert.deepEqual(await s.kv.getMany(['outbox:queue:1', 'outbox:queue:2', 'outbox:queue:3']), segments);
      // Listing drops the done ids: the first segment goes, the head moves past it.
      assert.deepEqual((await s.outbox.pending()).map((e) => e.id), all.slice(260).map((e) => e.id));
      assert.equal(await s.kv.get('outbox:queue:1'), undefined);
      assert.equal((await s.kv.get('outbox:queue') as { first: number }).first, 2);
      assert.equal(await s.outbox.depth(), 440);
      // Sent entries stay readable and are never enqueued again.
      assert.deepEqual(await s.outbox.enqueueMany([all[0] as NewOutboxEntry]), []);
      assert.equal((await s.outbox.get(all[0]?.id as string))?.state, 'sent');
    }));

  it('drops nothing open while marks, enqueues, retries and listings run at once', () =>
    withStores(async (s) => {
      const first = Array.from({ length: 400 }, (_, i) => entry(i));
      await s.outbox.enqueueMany(first);
      for (const e of first.slice(0, 20)) await s.outbox.markFailed(e.id, 'Missing Access');
      const more = Array.from({ length: 300 }, (_, i) => entry(1000 + i));
      await Promise.all([
        ...first.slice(20, 220).map((e, i) => s.outbox.markSent(e.id, String(i))),
        s.outbox.enqueueMany(more.slice(0, 150)),
        s.outbox.pending(),
        s.outbox.retryFailed((e) => e.target.kind === 'channel'),
        s.outbox.pending(),
        s.outbox.enqueueMany(more.slice(150)),
        s.outbox.pending(),
      ]);
      const expected = [...first.slice(0, 20), ...first.slice(220), ...more].map((e) => e.id).sort();
      assert.deepEqual((await s.outbox.pending()).map((e) => e.id).sort(), expected);
      assert.deepEqual(await s.outbox.failed(), []);
    }));

  it('stores a body shared by many entries once; records stay small and load with their body', () =>
    withStores(async (s) => {
      const body = { embeds: [{ title: 'x'.repeat(4000) }] };
      const shared = Array.from({ length: 50 }, (_, i): NewOutboxEntry => ({ id: `d${i}`, target: target(`c${i}`), body, paperIds: [] }));
      await s.outbox.enqueueMany([...shared, { ...entry(1), body: { other: true } }]);
      const raws = (await s.kv.getMany(shared.map((e) => `outbox:${e.id}`))) as { bodyRef?: string }[];
      assert.ok(raws.every((raw) => JSON.stringify(raw).length < 1000), 'a record does not carry its 4 kB body');
      assert.equal(new Set(raws.map((raw) => raw.bodyRef)).size, 1, 'the fifty records name one stored body');
      assert.deepEqual((await s.outbox.getMany(['d0', 'd49', 'm00001'])).map((e) => e.body), [body, body, { other: true }]);
      const sent = await s.outbox.markSent('d3', '42');
      assert.deepEqual(sent?.body, body);
      assert.deepEqual((await s.outbox.pending()).map((e) => e.body).filter((b) => b === body || JSON.stringify(b) === JSON.stringify(body)).length, 49);
    }));

  it('counts pending entries in one read, and recounts a store whose count is missing', () =>
    withStores(async (s) => {
      const all = Array.from({ length: 300 }, (_, i) => entry(i));
      await s.outbox.enqueueMany(all);
      await Promise.all(all.slice(0, 40).map((e, i) => s.outbox.markSent(e.id, String(i))));
      await s.outbox.markFailed(all[40]?.id as string, 'Missing Access');
      await s.outbox.recordAttempt(all[41]?.id as string, '503');
      await s.outbox.retryFailed(() => true);
      const reads: string[] = [];
      const { get, getMany } = s.kv;
      Object.assign(s.kv, {
        get: (key: string) => (reads.push(key), get(key)),
        getMany: (keys: readonly string[]) => (reads.push(...keys), getMany(keys)),
      });
      try {
        assert.equal(await s.outbox.depth(), 260);
        assert.deepEqual(reads, ['outbox-depth'], 'depth reads the count, not the entries');
      } finally {
        Object.assign(s.kv, { get, getMany });
      }
      // A store written before the count existed (or whose count was lost) is recounted once.
      await s.kv.deleteMany(['outbox-depth']);
      assert.equal(await s.outbox.depth(), 260);
      await s.kv.set('outbox-depth', { v: 1, pending: -3 });
      await s.outbox.markSent(all[299]?.id as string, '1');
      assert.equal(await s.outbox.depth(), 259);
    }));

  it('checks and marks deliveries for many targets in one batch', () =>
    withStores(async (s) => {
      const ids = Array.from({ length: 50 }, (_, i) => `arxiv:2602.${i}`);
      await s.deliveries.markDeliveredMany([
        { targetKey: 'channel:a', paperIds: ids.slice(0, 10) },
        { targetKey: 'user:b', paperIds: ids.slice(5, 20) },
        { targetKey: 'channel:a', paperIds: ids.slice(8, 12) },
        { targetKey: 'channel:empty', paperIds: [] },
      ]);
      const due = await s.deliveries.filterUndeliveredMany([
        { targetKey: 'channel:a', paperIds: ids.slice(0, 15) },
        { targetKey: 'user:b', paperIds: ids.slice(0, 25) },
        { targetKey: 'channel:new', paperIds: ids.slice(0, 2) },
      ]);
      assert.deepEqual(due, [ids.slice(12, 15), [...ids.slice(0, 5), ...ids.slice(20, 25)], ids.slice(0, 2)]);
      assert.deepEqual((await s.deliveries.targets()).sort(), ['channel:a', 'user:b']);
      assert.deepEqual((await s.deliveries.delivered('channel:a')).sort(), ids.slice(0, 12).sort());
      // Marking again adds nothing to the logs.
      await s.deliveries.markDeliveredMany([{ targetKey: 'channel:a', paperIds: ids.slice(0, 12) }]);
      assert.equal((await s.deliveries.delivered('channel:a')).length, 12);
      // The planner's marks (just checked undelivered) skip the second read; marking them twice still lists each once.
      await s.deliveries.markDeliveredMany([{ targetKey: 'user:c', paperIds: ids.slice(0, 3) }], { unchecked: true });
      await s.deliveries.markDeliveredMany([{ targetKey: 'user:c', paperIds: ids.slice(0, 3) }], { unchecked: true });
      assert.deepEqual(await s.deliveries.filterUndelivered('user:c', ids.slice(0, 4)), ids.slice(3, 4));
      assert.deepEqual((await s.deliveries.delivered('user:c')).sort(), ids.slice(0, 3).sort());
      assert.ok((await s.deliveries.targets()).includes('user:c'));
      // A long history spans several log segments.
      const many = Array.from({ length: 2500 }, (_, i) => `p${i}`);
      await s.deliveries.markDelivered('channel:long', many);
      assert.equal((await s.deliveries.delivered('channel:long')).length, 2500);
      assert.deepEqual(await s.deliveries.filterUndelivered('channel:long', ['p2499', 'p2500']), ['p2500']);
    }));
}

for (const backend of await testBackends()) {
  describe(`store contract, delivery scale: ${backend.name}`, { skip: backend.skip }, () => scaleContract(backend));
}
