/**
 * The store contract, meta values: typed reads, bad values reported. One module per capability, each taking a
 * backend; tests/integration/store-contract.test.ts runs them all on every backend (memory, SQLite, Redis,
 * Postgres).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { z } from 'zod';
import type { TestBackend } from '../../helpers/backends.ts';
import { withStores } from '../../helpers/store-contract.ts';

/** The meta part of the store contract, for one backend. */
export function metaContract(backend: TestBackend): void {
  it('keeps typed meta values', () =>
    withStores(backend, async (s, warnings) => {
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
}
