/**
 * The store contract, ingested files: remembered by path and content hash, failed files retried. One module per
 * capability, each taking a backend; tests/integration/store-contract.test.ts runs them all on every backend
 * (memory, SQLite, Redis, Postgres).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { contentHash, isUnchanged } from '../../../src/store/index.ts';
import type { TestBackend } from '../../helpers/backends.ts';
import { withStores } from '../../helpers/store-contract.ts';

/** The files part of the store contract, for one backend. */
export function filesContract(backend: TestBackend): void {
  it('remembers ingested files by path and content hash', () =>
    withStores(backend, async (s) => {
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
}
