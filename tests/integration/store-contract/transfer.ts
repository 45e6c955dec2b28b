/**
 * The store contract, export and import: everything out of one store and into another, unchanged. One module per
 * capability, each taking a backend; tests/integration/store-contract.test.ts runs them all on every backend
 * (memory, SQLite, Redis, Postgres).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ExportLine } from '../../../src/store/index.ts';
import type { TestBackend } from '../../helpers/backends.ts';
import { collect, fillStores, withStores } from '../../helpers/store-contract.ts';

/** The transfer part of the store contract, for one backend. */
export function transferContract(backend: TestBackend): void {
  it('exports everything and imports it into another store unchanged', () =>
    withStores(backend, async (s) => {
      await fillStores(s);
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
