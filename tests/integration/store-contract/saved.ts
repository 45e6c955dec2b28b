/**
 * The reading-list part of the store contract: run by tests/integration/store-contract.test.ts against every backend
 * (memory, SQLite, Redis, Postgres) with a fresh store per test.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ExportLine } from '../../../src/store/index.ts';
import type { TestBackend, TestStores } from '../../helpers/backends.ts';

/** Runs `fn` with fresh stores whose clock starts at `start` and moves one second per call. */
async function withStores(backend: TestBackend, start: string, fn: (s: TestStores, advance: (ms: number) => void) => Promise<void>): Promise<void> {
  let clock = Date.parse(start);
  const s = await backend.open({ now: () => new Date((clock += 1000)) });
  try {
    await fn(s, (ms) => (clock += ms));
  } finally {
    await s.dispose();
  }
}

/** The saved-list contract for one backend. */
export function savedContract(backend: TestBackend): void {
  it('keeps a list per user, newest first; saving twice is harmless; the limit is reported', async () => {
    await withStores(backend, '2025-11-24T08:00:00Z', async (s) => {
      assert.deepEqual(await s.saved.save({ userId: 'u1', paperId: 'arxiv:1', guildId: 'g1', limit: 3 }), { added: true, full: false, count: 1 });
      await s.saved.save({ userId: 'u1', paperId: 'arxiv:2', guildId: null, limit: 3 });
      assert.deepEqual(await s.saved.save({ userId: 'u1', paperId: 'arxiv:1', guildId: 'g2', limit: 3 }), { added: false, full: false, count: 2 });
      await s.saved.save({ userId: 'u1', paperId: 'arxiv:3', guildId: 'g1', limit: 3 });
      assert.deepEqual(await s.saved.save({ userId: 'u1', paperId: 'arxiv:4', guildId: 'g1', limit: 3 }), { added: false, full: true, count: 3 });
      await s.saved.save({ userId: 'u2', paperId: 'arxiv:1', guildId: 'g1', limit: 3 });
      assert.deepEqual((await s.saved.list('u1')).map((i) => [i.paperId, i.guildId]), [['arxiv:3', 'g1'], ['arxiv:2', null], ['arxiv:1', 'g1']]);
      assert.deepEqual((await s.saved.list('u2')).map((i) => i.paperId), ['arxiv:1']);
      assert.deepEqual((await s.saved.users()).sort(), ['u1', 'u2']);
    });
  });

  it('saves from concurrent interactions are all kept', async () => {
    await withStores(backend, '2025-11-24T08:00:00Z', async (s) => {
      await Promise.all(Array.from({ length: 12 }, (_, i) => s.saved.save({ userId: 'u1', paperId: `arxiv:${i}`, guildId: 'g1', limit: 100 })));
      assert.equal((await s.saved.list('u1')).length, 12);
      assert.equal((await s.saved.mostSaved('g1', new Date('2025-11-24T00:00:00Z'), new Date('2025-12-01T00:00:00Z'))).length, 12);
    });
  });

  it('counts a server\'s most-saved papers in a window, by distinct users, and forgets removed saves', async () => {
    await withStores(backend, '2025-11-24T08:00:00Z', async (s, advance) => {
      const save = (userId: string, paperId: string, guildId = 'g1') => s.saved.save({ userId, paperId, guildId, limit: 100 });
      await save('u1', 'arxiv:a');
      await save('u2', 'arxiv:a');
      await save('u3', 'arxiv:a', 'g2');
      advance(2 * 86_400_000);
      await save('u1', 'arxiv:b');
      await save('u3', 'arxiv:a'); // already in u3's list (saved in g2): lists are per user, so no second save
      await save('u4', 'arxiv:a');
      advance(7 * 86_400_000);
      await save('u2', 'arxiv:c');
      const week = (await s.saved.mostSaved('g1', new Date('2025-11-24T00:00:00Z'), new Date('2025-12-01T00:00:00Z')));
      assert.deepEqual(week, [{ paperId: 'arxiv:a', count: 3 }, { paperId: 'arxiv:b', count: 1 }]);
      assert.deepEqual(await s.saved.mostSaved('g2', new Date('2025-11-24T00:00:00Z'), new Date('2025-12-01T00:00:00Z')), [{ paperId: 'arxiv:a', count: 1 }]);
      assert.equal(await s.saved.remove('u2', 'arxiv:a'), true);
      assert.equal(await s.saved.remove('u2', 'arxiv:a'), false);
      assert.deepEqual((await s.saved.mostSaved('g1', new Date('2025-11-24T00:00:00Z'), new Date('2025-12-01T00:00:00Z')))[0], { paperId: 'arxiv:a', count: 2 });
    });
  });

  it('clears a user\'s list and their entries in the save log, and nobody else\'s', async () => {
    await withStores(backend, '2025-11-24T08:00:00Z', async (s) => {
      await s.saved.save({ userId: 'u1', paperId: 'arxiv:a', guildId: 'g1', limit: 10 });
      await s.saved.save({ userId: 'u1', paperId: 'arxiv:b', guildId: 'g1', limit: 10 });
      await s.saved.save({ userId: 'u2', paperId: 'arxiv:a', guildId: 'g1', limit: 10 });
      assert.equal(await s.saved.clear('u1'), 2);
      assert.deepEqual(await s.saved.list('u1'), []);
      assert.deepEqual(await s.saved.users(), ['u2']);
      const days = await s.saved.days();
      assert.deepEqual(days.flatMap((d) => d.saves.map((x) => x.userId)), ['u2'], 'no trace of u1 is left');
      assert.equal(await s.saved.clear('nobody'), 0);
    });
  });

  it('exports lists and the save log and imports them into another store unchanged', async () => {
    await withStores(backend, '2025-11-24T08:00:00Z', async (s) => {
      await s.saved.save({ userId: 'u1', paperId: 'arxiv:a', guildId: 'g1', limit: 10 });
      await s.saved.save({ userId: 'u1', paperId: 'arxiv:b', guildId: null, limit: 10 });
      const lines: ExportLine[] = [];
      for await (const line of s.exportAll()) if (line.kind === 'saved' || line.kind === 'save-day') lines.push(line);
      assert.deepEqual(lines.map((l) => l.kind), ['saved', 'save-day']);
      await withStores(backend, '2026-01-01T00:00:00Z', async (t) => {
        assert.equal(await t.importMany(lines), 2);
        assert.equal(await t.importMany(lines), 2, 'importing twice is harmless');
        assert.deepEqual(await t.saved.list('u1'), await s.saved.list('u1'));
        assert.deepEqual(await t.saved.days(), await s.saved.days());
      });
    });
  });
}
