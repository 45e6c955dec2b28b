/**
 * The store contract, digests: one per date and source, newest first. One module per capability, each taking a
 * backend; tests/integration/store-contract.test.ts runs them all on every backend (memory, SQLite, Redis,
 * Postgres).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TestBackend } from '../../helpers/backends.ts';
import { withStores } from '../../helpers/store-contract.ts';

/** The digests part of the store contract, for one backend. */
export function digestsContract(backend: TestBackend): void {
  it('lists digests newest first and keeps one per date and source', () =>
    withStores(backend, async (s) => {
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
}
