/**
 * One contract for the storage layer, run against every backend (memory, SQLite, Redis, Postgres): whatever the
 * backend, the repositories must behave the same.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import type { Paper } from '../../src/digest/types.ts';
import type { ChannelRecord, ExportLine, NewOutboxEntry, Stores } from '../../src/store/index.ts';
import { contentHash, isUnchanged, targetKeyOf } from '../../src/store/index.ts';
import type { TestBackend, TestStores } from '../helpers/backends.ts';
import { testBackends } from '../helpers/backends.ts';

function paper(n: number, overrides: Partial<Paper> = {}): Paper {
  return {
    id: `arxiv:2511.${String(n).padStart(5, '0')}`,
    arxivId: `2511.${String(n).padStart(5, '0')}`,
    version: 1,
    doi: null,
    source: 'arxiv',
    date: '2025-11-20',
    published: null,
    title: `视频即答案 ${n}`,
    titleOriginal: `Video as Answer ${n}`,
    authors: ['Ada Lovelace'],
    abstract: '摘要',
    abstractOriginal: 'An abstract.',
    pdfUrl: `https://arxiv.org/pdf/2511.${String(n).padStart(5, '0')}v1`,
    url: `https://arxiv.org/abs/2511.${String(n).padStart(5, '0')}`,
    codeUrl: null,
    notes: null,
    ...overrides,
  };
}

interface Warning {
  obj: Record<string, unknown>;
  msg: string;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The contract: `open` gives fresh, empty stores with a capturing logger. */
function storeContract(backend: TestBackend): void {
  async function withStores(fn: (s: TestStores, warnings: Warning[]) => Promise<void>): Promise<void> {
    const warnings: Warning[] = [];
    let clock = Date.parse('2025-11-24T00:00:00Z');
    const s = await backend.open({
      log: { warn: (obj, msg) => warnings.push({ obj, msg }) },
      now: () => new Date((clock += 1000)),
    });
    try {
      await fn(s, warnings);
    } finally {
      await s.dispose();
    }
  }

  it('upserts papers idempotently and bumps the revision only on change', () =>
    withStores(async (s) => {
      assert.equal(await s.papers.revision(), 0);
      const first = await s.papers.upsertMany([paper(1), paper(2), paper(1)]);
      assert.deepEqual(first.added.map((p) => p.id), ['arxiv:2511.00001', 'arxiv:2511.00002']);
      assert.deepEqual(first.updated, []);
      const rev = await s.papers.revision();
      assert.ok(rev > 0);
      assert.deepEqual(await s.papers.get('arxiv:2511.00001'), paper(1));
      const again = await s.papers.upsertMany([paper(1), paper(2)]);
      assert.deepEqual(again, { added: [], updated: [] });
      assert.equal(await s.papers.revision(), rev);
      assert.equal(await s.papers.count(), 2);
      assert.deepEqual(
        (await s.papers.getMany(['arxiv:2511.00002', 'arxiv:nope'])).map((p) => p?.id),
        ['arxiv:2511.00002', undefined],
      );
    }));

  it('keeps the first-seen date and source; a later version updates version and links', () =>
    withStores(async (s) => {
      await s.papers.upsertMany([paper(7)]);
      const rev = await s.papers.revision();
      const later = paper(7, {
        date: '2025-11-22',
        source: 'arxiv-cs',
        version: 2,
        pdfUrl: 'https://arxiv.org/pdf/2511.00007v2',
        codeUrl: 'https://github.com/x/y',
      });
      const result = await s.papers.upsertMany([later]);
      assert.deepEqual(result.added, []);
      assert.equal(result.updated.length, 1);
      const stored = await s.papers.get('arxiv:2511.00007');
      assert.equal(stored?.date, '2025-11-20');
      assert.equal(stored?.source, 'arxiv');
      assert.equal(stored?.version, 2);
      assert.equal(stored?.pdfUrl, 'https://arxiv.org/pdf/2511.00007v2');
      assert.equal(stored?.codeUrl, 'https://github.com/x/y');
      assert.ok((await s.papers.revision()) > rev);
      // An older version seen afterwards changes nothing.
      assert.deepEqual(await s.papers.upsertMany([paper(7, { date: '2025-11-23' })]), { added: [], updated: [] });
      assert.equal(await s.papers.count(), 1);
      assert.deepEqual(await s.papers.dates(), [{ date: '2025-11-20', count: 1 }]);
    }));

  it('lists newest date first, undated last, and finds the latest papers per source', () =>
    withStores(async (s) => {
      await s.papers.upsertMany([paper(1, { date: '2025-11-19' }), paper(2, { date: null })]);
      await s.papers.upsertMany([paper(3, { date: '2025-11-21', source: 'biorxiv' }), paper(4, { date: '2025-11-20' })]);
      await s.papers.upsertMany([paper(5, { date: '2025-11-21' })]);
      const ids = await collect(s.papers.ids());
      assert.deepEqual(ids, [3, 5, 4, 1, 2].map((n) => paper(n).id));
      assert.deepEqual((await collect(s.papers.all())).map((p) => p.id), ids);
      assert.deepEqual((await s.papers.latest()).map((p) => p.id), [paper(3).id, paper(5).id]);
      assert.deepEqual((await s.papers.latest('biorxiv')).map((p) => p.id), [paper(3).id]);
      assert.deepEqual((await s.papers.latest('medrxiv')).map((p) => p.id), []);
      // An undated paper that later shows up with a date moves to that date.
      await s.papers.upsertMany([paper(2, { date: '2025-11-18' })]);
      assert.equal((await collect(s.papers.ids())).at(-1), paper(2).id);
      assert.deepEqual((await s.papers.dates()).map((d) => d.date), ['2025-11-21', '2025-11-20', '2025-11-19', '2025-11-18']);
    }));

  it('loses nothing when upserts into the same date index run concurrently', () =>
    withStores(async (s) => {
      const batches = Array.from({ length: 12 }, (_, b) => Array.from({ length: 15 }, (_, i) => paper(b * 100 + i)));
      const results = await Promise.all(batches.map((batch) => s.papers.upsertMany(batch)));
      assert.equal(results.reduce((n, r) => n + r.added.length, 0), 180);
      assert.equal(await s.papers.count(), 180);
      const ids = new Set(await collect(s.papers.ids()));
      for (const batch of batches) for (const p of batch) assert.ok(ids.has(p.id), p.id);
      // Concurrent channel and delivery writes share indexes too.
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => s.channels.put(channel({ channelId: `c${i}`, guildId: 'g1' }))),
      );
      assert.equal((await s.channels.listByGuild('g1')).length, 10);
      await Promise.all(Array.from({ length: 40 }, (_, i) => s.deliveries.markDelivered('channel:c1', [`p${i}`])));
      assert.equal((await s.deliveries.delivered('channel:c1')).length, 40);
    }));

  it('skips and reports values that do not decode', () =>
    withStores(async (s, warnings) => {
      await s.papers.upsertMany([paper(1), paper(2), paper(3)]);
      // A hand-edited row, a value from a future schema version, and a non-object.
      await s.kv.set('paper:arxiv:2511.00002', { v: 1, id: 'arxiv:2511.00002', title: 42 });
      await s.kv.set('paper:arxiv:2511.00003', { v: 99, ...paper(3) });
      await s.kv.set('channel:bad', 'garbage');
      assert.equal(await s.papers.get('arxiv:2511.00002'), undefined);
      assert.deepEqual((await collect(s.papers.all())).map((p) => p.id), [paper(1).id]);
      assert.ok(warnings.some((w) => w.obj.key === 'paper:arxiv:2511.00002'));
      assert.ok(warnings.some((w) => w.obj.key === 'paper:arxiv:2511.00003'));
      assert.equal(await s.channels.get('bad'), undefined);
      assert.ok(warnings.some((w) => w.obj.key === 'channel:bad'));
      // A corrupt record is replaced by the next good upsert of the same paper.
      await s.papers.upsertMany([paper(2)]);
      assert.deepEqual(await s.papers.get('arxiv:2511.00002'), paper(2));
    }));

  it('remembers ingested files by path and content hash', () =>
    withStores(async (s) => {
      const hash = contentHash('# 2025-11-20 arxiv\n| a | b |');
      assert.equal(hash, contentHash(Buffer.from('# 2025-11-20 arxiv\n| a | b |')));
      assert.equal(isUnchanged(await s.files.get('digests/a.md'), hash), false);
      const record = {
        path: 'digests/a.md',
        hash,
        ingestedAt: '2025-11-24T00:00:00.000Z',
        digests: [{ date: '2025-11-20', source: 'arxiv', status: 'ok' as const, message: null, paperIds: ['arxiv:1'] }],
        error: null,
      };
      await s.files.put(record);
      const long = { ...record, path: `digests/${'x'.repeat(300)}.md`, error: 'no table found' };
      await s.files.put(long);
      assert.deepEqual(await s.files.get('digests/a.md'), record);
      assert.equal(isUnchanged(await s.files.get('digests/a.md'), hash), true);
      assert.equal(isUnchanged(await s.files.get('digests/a.md'), contentHash('changed')), false);
      assert.equal(isUnchanged(await s.files.get(long.path), hash), false, 'a failed file is retried');
      await s.files.put({ ...record, hash: 'h2' });
      assert.deepEqual((await s.files.list()).map((f) => [f.path, f.hash]), [['digests/a.md', 'h2'], [long.path, hash]]);
    }));

  it('lists digests newest first and keeps one per date and source', () =>
    withStores(async (s) => {
      const digest = (date: string | null, source: string, papers = 3) => ({
        date, source, status: 'ok' as const, message: null, papers, added: papers, updated: 0,
        file: `${date}-${source}.md`, ingestedAt: '2025-11-24T00:00:00.000Z',
        paperIds: Array.from({ length: papers }, (_, i) => `arxiv:2511.${String(i).padStart(5, '0')}`),
      });
      await s.digests.put(digest('2025-11-20', 'arxiv'));
      await s.digests.putMany([digest('2025-11-22', 'biorxiv'), digest(null, 'arxiv'), digest('2025-11-22', 'arxiv')]);
      await s.digests.put(digest('2025-11-20', 'arxiv', 9));
      const list = await s.digests.list();
      assert.deepEqual(list.map((d) => `${d.date}/${d.source}`), [
        '2025-11-22/arxiv', '2025-11-22/biorxiv', '2025-11-20/arxiv', 'null/arxiv',
      ]);
      assert.equal(list[2]?.papers, 9);
      assert.deepEqual((await s.digests.list({ limit: 2 })).length, 2);
      assert.equal((await s.digests.last())?.source, 'arxiv');
      assert.equal((await s.digests.get('2025-11-22', 'biorxiv'))?.papers, 3);
    }));

  it('stores channel settings per guild', () =>
    withStores(async (s) => {
      await s.channels.put(channel({ channelId: 'c1', guildId: 'g1' }));
      await s.channels.put(channel({ channelId: 'c2', guildId: 'g1', sources: ['arxiv'], mode: 'compact' }));
      await s.channels.put(channel({ channelId: 'c3', guildId: 'g2' }));
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

  it('indexes subscriptions by guild, user and channel', () =>
    withStores(async (s) => {
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

  it('runs the outbox: creation order, never overwrites, sent and failed leave the queue', () =>
    withStores(async (s) => {
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

  it('records deliveries so a paper reaches a target once', () =>
    withStores(async (s) => {
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

  it('keeps typed meta values', () =>
    withStores(async (s, warnings) => {
      await s.meta.set('lastRun', { at: '2025-11-24T00:00:00Z', files: 3 });
      const schema = z.object({ at: z.string(), files: z.number() });
      assert.deepEqual(await s.meta.get('lastRun', schema), { at: '2025-11-24T00:00:00Z', files: 3 });
      assert.equal(await s.meta.get('lastRun', z.number()), undefined);
      assert.ok(warnings.some((w) => w.obj.key === 'meta:lastRun'));
      assert.equal(await s.meta.get('missing', z.number()), undefined);
      await s.meta.delete('lastRun');
      assert.equal(await s.meta.get('lastRun', schema), undefined);
      assert.deepEqual(await s.meta.entries(), []);
    }));

  it('exports everything and imports it into another store unchanged', () =>
    withStores(async (s) => {
      await fill(s);
      const lines = await collect(s.exportAll());
      const kinds = new Set(lines.map((l) => l.kind));
      for (const kind of ['paper', 'file', 'digest', 'channel', 'subscription', 'outbox', 'delivery', 'meta']) {
        assert.ok(kinds.has(kind as ExportLine['kind']), kind);
      }
      const other = await backend.open();
      try {
        // Through JSON, as a JSON Lines file would carry it.
        const copied = lines.map((l) => JSON.parse(JSON.stringify(l)) as ExportLine);
        await other.importRecord(copied[0] as ExportLine);
        assert.equal(await other.importMany(copied.slice(1)), copied.length - 1);
        assert.deepEqual(await collect(other.exportAll()), lines);
        await assert.rejects(other.importRecord({ kind: 'paper', record: { v: 1, id: 5 } }), /invalid paper record/);
      } finally {
        await other.dispose();
      }
    }));
}

function channel(overrides: Partial<ChannelRecord>): ChannelRecord {
  return {
    guildId: 'g1',
    channelId: 'c1',
    sources: null,
    mode: 'embeds',
    notices: false,
    disabled: null,
    failures: 0,
    addedBy: 'u1',
    addedAt: '2025-11-24T00:00:00.000Z',
    ...overrides,
  };
}

/** One of everything, for export. */
async function fill(s: Stores): Promise<void> {
  await s.papers.upsertMany([paper(1), paper(2, { date: '2025-11-21' }), paper(3, { date: null })]);
  await s.files.put({ path: 'a.md', hash: 'h', ingestedAt: 't', digests: [], error: null });
  await s.digests.put({
    date: '2025-11-20', source: 'arxiv', status: 'ok', message: null, papers: 1, added: 1, updated: 0, file: 'a.md',
    ingestedAt: 't', paperIds: ['arxiv:2511.00001'],
  });
  await s.channels.put(channel({}));
  await s.subscriptions.add({
    guildId: 'g1', channelId: null, userId: 'u1', keywords: 'GAN', mentionRoleId: null, createdBy: 'u1',
  });
  const target = { kind: 'user' as const, userId: 'u1', guildId: 'g1' };
  await s.outbox.enqueueMany([
    { id: 'o1', target, body: { embeds: [] }, paperIds: [paper(1).id] },
    { id: 'o2', target, body: null, paperIds: [] },
  ]);
  await s.outbox.markFailed('o2', 'Cannot send messages to this user');
  await s.deliveries.markDelivered('user:u1', [paper(1).id, paper(2).id]);
  await s.meta.set('lastRun', '2025-11-24');
}

const backends = await testBackends();
for (const backend of backends) {
  describe(`store contract: ${backend.name}`, { skip: backend.skip }, () => storeContract(backend));
}
